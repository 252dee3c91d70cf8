// QA integration fixtures: Hotline without Asterisk (fake ARI/AMI ports) on a fresh database,
// stored recordings seeded as rows (no audio: evaluations need only the row), and a scorecard.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from '../support/api.js';
import { createTestDb, type DbKind, type TestDb } from '../support/db.js';
import { freePort, startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';

export async function startQaHotline(kind: DbKind): Promise<{ db: TestDb; hotline: HotlineProcess; cleanup: () => Promise<void> }> {
  const db = await createTestDb(kind);
  const work = mkdtempSync(join(tmpdir(), 'hotline-qa-'));
  const hotline = await startHotline({
    ...db.env,
    HOTLINE_ARI_URL: `http://127.0.0.1:${await freePort()}`,
    HOTLINE_AMI_PORT: String(await freePort()),
    HOTLINE_RECORDINGS_DIR: join(work, 'store'),
    HOTLINE_RECORDINGS_SPOOL_DIR: join(work, 'spool'),
    HOTLINE_RECORDINGS_KEY_FILE: join(work, 'recordings.keys'),
  }, { waitForPbx: false }).catch(async (err: unknown) => {
    await stopAllHotlines();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
    throw err;
  });
  return {
    db,
    hotline,
    cleanup: async () => {
      await hotline.stop();
      await db.drop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** A stored recording row of a queue call answered by `agentId` at `at`. */
export async function seedRecording(db: TestDb, r: { queue: string; agentId: string | null; at: Date; flags?: string[]; status?: string }): Promise<string> {
  const id = randomUUID();
  await db.exec(
    'INSERT INTO recordings (id, call_id, uniqueid, channel, queue, agent_id, customer_number, customer_id, status, answered_at, ended_at, duration_ms, legs, pauses, flags) VALUES (?, NULL, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)',
    [id, `qa-${id}`, 'PJSIP/qa', r.queue, r.agentId, '13800138000', r.status ?? 'stored', sqlTime(r.at), sqlTime(new Date(r.at.getTime() + 60_000)), 60_000, '[]', '[]', r.flags?.length ? `,${r.flags.join(',')},` : ''],
  );
  return id;
}

export const CARD = {
  name: 'Calibration card',
  queue: null,
  sections: [
    { title: 'Opening', weight: 40, items: [{ id: 'greet', text: 'Greets the caller', type: 'yesno', weight: 40 }, { id: 'verify', text: 'Verifies identity', type: 'yesno', weight: 60, allowNa: true }] },
    { title: 'Resolution', weight: 60, items: [{ id: 'fix', text: 'Solves the problem', type: 'scale', max: 5, weight: 70 }, { id: 'tone', text: 'Friendly tone', type: 'scale', max: 5, weight: 30 }] },
  ],
};

export async function createCard(base: string, token?: string): Promise<string> {
  const res = await api(base, 'POST', '/api/qa/scorecards', CARD, token);
  if (res.status !== 201) throw new Error(`scorecard: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Rows of a table (counting what was stored). */
export async function count(db: TestDb, table: string): Promise<number> {
  const rows = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}
