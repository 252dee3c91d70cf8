// Fixtures for the Excel import/export tests (imported by io-*.test.ts): a small zip writer
// for crafted .xlsx files (bombs, lies, minimal workbooks), workbooks written by exceljs,
// an express app around the io module on a real SQLite or MariaDB database, and a snapshot
// (row counts + checksum) of the tables an import may touch. Its own tests check that the
// crafted files are what they claim to be.
import { expect } from 'chai';
import { callRecordPager } from '../../app/calls/calls.pager.js';
import { adminRoutes } from '../support/auth.js';
import { serveApi } from '../support/serve.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import { CrmService } from '../../app/crm/crm.service.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createIoModule } from '../../app/io/index.js';
import type { IoLimits } from '../../app/io/limits.js';
import { createLogger } from '../../app/logger.js';
import { createTestDb, dbConfig, type DbKind, type TestDb } from '../support/db.js';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---------------------------------------------------------------- zip writer
export interface ZipInput {
  name: string;
  /** Bytes, or a stream of chunks (big synthetic entries). */
  data: Buffer | string | (() => Iterable<Buffer>);
  store?: boolean;
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
  /** Sizes in a data descriptor after the data (as exceljs and LibreOffice write). */
  descriptor?: boolean;
}

async function compress(input: ZipInput): Promise<{ comp: Buffer; crc: number; size: number }> {
  if (typeof input.data !== 'function') {
    const data = Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data, 'utf8');
    return { comp: input.store ? data : deflateRawSync(data), crc: crc32(data), size: data.length };
  }
  const deflate = createDeflateRaw({ level: 6 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((r) => deflate.on('end', r));
  let crc = 0;
  let size = 0;
  for (const chunk of input.data()) {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { comp: Buffer.concat(parts), crc, size };
}

export async function zip(entries: ZipInput[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const { comp, crc, size } = await compress(e);
    const usize = e.declaredSize ?? size;
    const name = Buffer.from(e.name, 'utf8');
    const flags = 0x800 | (e.descriptor ? 0x8 : 0);
    const method = e.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    if (!e.descriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(comp.length, 18);
      local.writeUInt32LE(usize, 22);
    }
    local.writeUInt16LE(name.length, 26);
    out.push(local, name, comp);
    let length = 30 + name.length + comp.length;
    if (e.descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(comp.length, 8);
      d.writeUInt32LE(usize, 12);
      out.push(d);
      length += 16;
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(comp.length, 20);
    c.writeUInt32LE(usize, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, cd, eocd]);
}

/** n bytes of zeros in 1 MiB chunks (never held whole). */
export function zeros(n: number): () => Iterable<Buffer> {
  return function* () {
    const mib = Buffer.alloc(1024 * 1024);
    for (let left = n; left > 0; left -= mib.length) yield left >= mib.length ? mib : mib.subarray(0, left);
  };
}

// ---------------------------------------------------------------- minimal workbooks
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export type XCell = string | number | { f: string; v?: number | string } | { s: number } | null;

export function cellXml(ref: string, v: XCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
  if (typeof v === 'string') return `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
  if ('s' in v) return `<c r="${ref}" t="s"><v>${v.s}</v></c>`;
  const t = typeof v.v === 'string' ? ' t="str"' : '';
  return `<c r="${ref}"${t}><f>${esc(v.f)}</f>${v.v === undefined ? '' : `<v>${esc(String(v.v))}</v>`}</c>`;
}

export function rowsXml(rows: XCell[][], firstRow = 1): string {
  return rows.map((cells, i) => `<row r="${firstRow + i}">${cells.map((v, j) => cellXml(`${String.fromCharCode(65 + j)}${firstRow + i}`, v)).join('')}</row>`).join('');
}

export function worksheet(sheetData: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}"><sheetData>${sheetData}</sheetData></worksheet>`;
}

/** The parts of a one-sheet workbook; `sheet` replaces sheet1.xml (e.g. a generated stream). */
export function workbookParts(opts: { rows?: XCell[][]; sheet?: ZipInput['data']; sharedStrings?: string[]; descriptor?: boolean }): ZipInput[] {
  const shared = opts.sharedStrings;
  const parts: ZipInput[] = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>${shared ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ''}</Types>`,
    },
    { name: '_rels/.rels', data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    { name: 'xl/workbook.xml', data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>${shared ? `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : ''}</Relationships>`,
    },
  ];
  if (shared) {
    parts.push({ name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>` });
  }
  parts.push({ name: 'xl/worksheets/sheet1.xml', data: opts.sheet ?? worksheet(rowsXml(opts.rows ?? [])) });
  return parts.map((p) => ({ ...p, descriptor: opts.descriptor }));
}

export const minimalXlsx = (rows: XCell[][]) => zip(workbookParts({ rows }));

/** A normal workbook written by exceljs (first sheet = rows). */
export async function excelFile(rows: unknown[][], more?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  more?.(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** All rows of the first sheet of an .xlsx, read with exceljs (non-streaming: test files are small). */
export async function readBack(buf: Buffer | ArrayBuffer): Promise<{ rows: unknown[][]; sheets: string[]; ws: ExcelJS.Worksheet }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { rows, sheets: wb.worksheets.map((w) => w.name), ws };
}

// ---------------------------------------------------------------- app harness
export interface IoApp {
  kind: DbKind;
  ds: DataSource;
  base: string;
  io: ReturnType<typeof createIoModule>;
  crm: CrmService;
  workDir: string;
  close(): Promise<void>;
}

export async function startIoApp(kind: DbKind, limits?: Partial<IoLimits>, more: Pick<Parameters<typeof createIoModule>[0], 'internalNumbers'> = {}): Promise<IoApp> {
  const db: TestDb = await createTestDb(kind);
  const ds = createDataSource(dbConfig(db));
  await ds.initialize();
  await ds.runMigrations();
  const workDir = mkdtempSync(join(tmpdir(), 'hotline-io-test-'));
  const log = createLogger({ level: 'silent', secrets: [] });
  const crm = new CrmService(ds);
  const io = createIoModule({ db: ds, log, crm, limits, workDir, calls: callRecordPager(ds), routes: adminRoutes(), ...more });
  const served = await serveApi(log, io.router);
  const base = served.base;
  return {
    kind,
    ds,
    base,
    io,
    crm,
    workDir,
    async close() {
      await served.close();
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export interface Snapshot {
  customers: number;
  phones: number;
  jobs: number;
  digest: string;
}

/** Row counts and a checksum of the customer tables (and the count of import jobs). */
export async function snapshot(ds: DataSource): Promise<Snapshot> {
  const customers = await ds.query('SELECT id, name, company, vip_level, created_at, updated_at FROM customers ORDER BY id');
  const phones = await ds.query('SELECT phone, customer_id FROM customer_phones ORDER BY phone');
  const [jobs] = await ds.query('SELECT COUNT(*) AS n FROM io_import_jobs');
  const digest = createHash('sha256').update(JSON.stringify([customers, phones])).digest('hex');
  return { customers: customers.length, phones: phones.length, jobs: Number(jobs.n), digest };
}

export async function post(base: string, body: Buffer | string, query = 'wait=true', type = XLSX): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/io/imports/customers?${query}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': type } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Converts `input` (a CSV: comma, double quote, UTF-8, from row 1) with LibreOffice (Debian's
 * libreoffice-calc-nogui, `soffice --headless --convert-to`) into `to` (xlsx, xls, ods) in `dir`.
 */
export function soffice(dir: string, input: string, to: string): Buffer {
  try {
    execFileSync(
      'soffice',
      [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--infilter=CSV:44,34,76,1', '--convert-to', to, '--outdir', dir, input],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('soffice is not installed: apt-get install -y libreoffice-calc-nogui');
    throw err;
  }
  return readFileSync(join(dir, `${input.replace(/^.*\//, '').replace(/\.[^.]*$/, '')}.${to}`));
}

export async function download(url: string): Promise<{ status: number; type: string | null; buf: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), buf: Buffer.from(await res.arrayBuffer()) };
}

describe('io fixtures: crafted files are what they claim', () => {
  it('a minimal workbook from the zip writer opens in exceljs, with descriptors or without', async () => {
    for (const descriptor of [false, true]) {
      const buf = await zip(workbookParts({ rows: [['姓名', '电话'], ['张三', 13800138000]], descriptor }));
      const { rows } = await readBack(buf);
      expect(rows).to.deep.equal([['姓名', '电话'], ['张三', 13800138000]]);
    }
  });

  it('shared strings and formulas come out as written', async () => {
    const buf = await zip(workbookParts({ rows: [[{ s: 0 }, { s: 1 }], [{ f: '1+1', v: 2 }, 'x']], sharedStrings: ['Name', 'Phone'] }));
    const { rows } = await readBack(buf);
    expect(rows[0]).to.deep.equal(['Name', 'Phone']);
    expect(rows[1]![0]).to.deep.include({ formula: '1+1', result: 2 });
  });

  it('a declared size can lie', async () => {
    const buf = await zip([{ name: 'a.txt', data: zeros(4096), declaredSize: 10 }]);
    expect(buf.readUInt32LE(buf.length - 22 - 46 - 5 + 24)).to.equal(10);
  });
});
