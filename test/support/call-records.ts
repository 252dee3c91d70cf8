// Call records put straight into a test database (no Asterisk): for tests of what reads them
// (the calls API's search, the console's Calls page). The call path that writes them is proven
// by the tests that place real calls (first-call, ivr, agent-desk).
import { randomUUID } from 'node:crypto';
import type { TestDb } from './db.js';

export interface SeedCall {
  id?: string;
  caller: string;
  callerName?: string | null;
  called: string;
  flow: string;
  startedAt: Date;
  /** Seconds from start to answer (null: never answered) and to the end. */
  answerAfter?: number | null;
  seconds: number;
  outcome: string;
  digits?: string;
  /** The IVR path: steps in order, with the key that led out of a step. */
  path?: Array<{ step: string; digit?: string }>;
  variables?: Record<string, string> | null;
  queue?: string | null;
  agentId?: string | null;
  agentName?: string | null;
  holdSeconds?: number | null;
  talkSeconds?: number | null;
  disposition?: string | null;
  dispositionNote?: string | null;
  source?: string;
  /** Timeline events: seconds after the start, type, detail. */
  events?: Array<[number, string, unknown]>;
}

/** A time as the database column takes it (SQLite keeps UTC text, MariaDB a DATETIME). */
export const dbTime = (db: TestDb, d: Date | null): Date | string | null => (d === null ? null : db.kind === 'sqlite' ? d.toISOString().replace('T', ' ').replace('Z', '') : d);

/** Inserts the call record and its timeline; returns its id. */
export async function seedCall(db: TestDb, c: SeedCall): Promise<string> {
  const id = c.id ?? randomUUID();
  const at = (s: number | null | undefined) => (s === null || s === undefined ? null : dbTime(db, new Date(c.startedAt.getTime() + s * 1000)));
  const path = (c.path ?? []).map((p, i) => ({ step: p.step, at: new Date(c.startedAt.getTime() + i * 2000).toISOString(), ...(p.digit ? { digit: p.digit } : {}) }));
  await db.exec(
    'INSERT INTO call_records (id, channel_id, caller_number, caller_name, called_number, flow, started_at, answered_at, ended_at, duration_ms, outcome, digits, ivr_path, variables, handled_by, source, queue, agent_interface, agent_name, hold_seconds, talk_seconds, agent_id, disposition, disposition_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      id, `seed-${id}`, c.caller, c.callerName ?? null, c.called, c.flow, dbTime(db, c.startedAt), at(c.answerAfter === undefined ? 0 : c.answerAfter), at(c.seconds), c.seconds * 1000, c.outcome,
      c.digits ?? (c.path ?? []).map((p) => p.digit ?? '').join(''), JSON.stringify(path), c.variables ? JSON.stringify({ vars: c.variables }) : null, 'test', c.source ?? 'hotline',
      c.queue ?? null, c.agentName ? 'PJSIP/agent' : null, c.agentName ?? null, c.holdSeconds ?? null, c.talkSeconds ?? null, c.agentId ?? null, c.disposition ?? null, c.dispositionNote ?? null,
    ],
  );
  for (const [s, type, detail] of c.events ?? []) {
    await db.exec('INSERT INTO call_events (call_id, at, type, detail) VALUES (?, ?, ?, ?)', [id, at(s), type, detail === undefined ? null : JSON.stringify(detail)]);
  }
  return id;
}
