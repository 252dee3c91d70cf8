// Seeds a CRM the size of a big contact center for the benchmarks (crm.bench.ts, pop.bench.ts):
// customers with phones (mobile(i) for customer i; every 10th also landline(i)), emails, tags,
// interactions, and call records from their numbers (as trunks write them: +86…, 0086…, plain).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import type { DbKind } from '../test/support/db.js';

const ROWS_PER_INSERT = 2_000;
const STATEMENTS_PER_TX = 25;

export const mobile = (i: number) => String(13_000_000_000 + i * 7); // 11 digits, 13x/14x…, unique
export const landline = (i: number) => `021${String(60_000_000 + i).padStart(8, '0')}`;
/** The screen-pop benches' callers: 70 % seeded customers (plain or 0086-prefixed caller ID), 30 % numbers nobody has. */
export function popCallers(calls: number, customers: number): Array<{ number: string; known: boolean }> {
  return Array.from({ length: calls }, (_, k) => {
    if (k % 10 < 3) return { number: String(14_900_000_000 + k * 13), known: false };
    const n = mobile((k * 7919) % customers);
    return { number: k % 2 ? n : `0086${n}`, known: true };
  });
}

const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Multi-row INSERTs, STATEMENTS_PER_TX of them per transaction, on one connection. */
class Inserter {
  private rows: unknown[][] = [];
  private statements = 0;
  count = 0;
  constructor(
    private readonly q: QueryRunner,
    private readonly table: string,
    private readonly columns: string[],
  ) {}
  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= ROWS_PER_INSERT) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.rows.length) return;
    if (!this.q.isTransactionActive) await this.q.startTransaction();
    const tuple = `(${this.columns.map(() => '?').join(',')})`;
    await this.q.query(`INSERT INTO ${this.table} (${this.columns.join(',')}) VALUES ${this.rows.map(() => tuple).join(',')}`, this.rows.flat());
    this.count += this.rows.length;
    this.rows = [];
    if (++this.statements % STATEMENTS_PER_TX === 0) await this.q.commitTransaction();
  }
  async end(): Promise<void> {
    await this.flush();
    if (this.q.isTransactionActive) await this.q.commitTransaction();
  }
}

export interface SeedOptions {
  kind: DbKind;
  customers: number;
  calls: number;
  log: (line: string) => void;
}

/** Bulk-inserts `customers` customers with their rows, and `calls` call records from their numbers. */
export async function seedCrm(ds: DataSource, o: SeedOptions): Promise<{ ids: string[]; seconds: number }> {
  const { kind: KIND, customers: CUSTOMERS, calls: CALLS, log: out } = o;
  const t0 = performance.now();
  const q = ds.createQueryRunner();
  await q.connect();
  if (KIND !== 'sqlite') await q.query('SET unique_checks = 0');
  // Primary keys in order: random UUIDs sorted, phones rising with them.
  const ids = Array.from({ length: CUSTOMERS }, () => randomUUID()).sort();
  const base = Date.parse('2024-01-01T00:00:00Z');
  const customers = new Inserter(q, 'customers', ['id', 'name', 'company', 'address', 'region', 'vip_level', 'custom_fields', 'created_at', 'updated_at']);
  for (let i = 0; i < CUSTOMERS; i++) {
    const t = stamp(base + i * 1000);
    await customers.add([ids[i], i % 2 ? `客户${i}` : `Customer ${i}`, i % 7 ? `公司${i % 5000}` : '', i % 3 ? '' : `上海市浦东新区${i}号`, i % 2 ? 'CN-31' : 'CN-11', i % 10, i % 6 ? null : `{"contract":"C-${i}","seats":${i % 100}}`, t, t]);
    if (i % 200_000 === 199_999) out(`  customers: ${i + 1} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await customers.end();
  const phones = new Inserter(q, 'customer_phones', ['phone', 'customer_id']);
  for (let i = 0; i < CUSTOMERS; i++) await phones.add([mobile(i), ids[i]]);
  for (let i = 0; i < CUSTOMERS; i += 10) await phones.add([landline(i), ids[i]]);
  await phones.end();
  const emails = new Inserter(q, 'customer_emails', ['customer_id', 'email']);
  for (let i = 0; i < CUSTOMERS; i += 3) await emails.add([ids[i], `c${i}@example.cn`]);
  await emails.end();
  const tags = new Inserter(q, 'customer_tags', ['customer_id', 'tag']);
  for (let i = 0; i < CUSTOMERS; i += 5) {
    await tags.add([ids[i], 'vip']);
    await tags.add([ids[i], `region-${i % 30}`]);
  }
  await tags.end();
  const interactions = new Inserter(q, 'interactions', ['id', 'customer_id', 'kind', 'ref_id', 'summary', 'actor', 'at']);
  for (let i = 0; i < CUSTOMERS; i += 4) {
    await interactions.add([randomUUID(), ids[i], 'ticket', `T-${i}`, `工单：发票问题 ${i}`, 'tickets', stamp(base + i * 1000 + 5000)]);
    await interactions.add([randomUUID(), ids[i], 'note', null, 'customer asked for a callback', 'agent1', stamp(base + i * 1000 + 9000)]);
  }
  await interactions.end();
  const calls = new Inserter(q, 'call_records', ['id', 'channel_id', 'caller_number', 'called_number', 'flow', 'started_at', 'duration_ms', 'outcome', 'digits', 'ivr_path', 'handled_by']);
  const forms = [(n: string) => n, (n: string) => `+86${n}`, (n: string) => `0086${n}`];
  for (let k = 0; k < CALLS; k++) {
    const i = (k * 7919) % CUSTOMERS;
    const id = randomUUID();
    await calls.add([id, `bench-${id}`, forms[k % 3]!(mobile(i)), '4008100000', 'welcome', stamp(base + k * 60_000), 42_000, 'completed', '1', '[]', 'bench']);
  }
  await calls.end();
  if (KIND !== 'sqlite') await q.query('SET unique_checks = 1');
  await q.release();
  out(`  rows: ${customers.count} customers, ${phones.count} phones, ${emails.count} emails, ${tags.count} tags, ${interactions.count} interactions, ${calls.count} calls`);
  return { ids, seconds: (performance.now() - t0) / 1000 };
}

