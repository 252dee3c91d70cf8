// What the reports' first-call resolution by tickets needs from the call records: the number
// and start of given calls, and the calls of given numbers in a time range (every inbound
// call the center recorded, whatever flow or queue it went through).
import { Between, In, type DataSource } from 'typeorm';
import { CallRecord } from './calls.entities.js';

export interface CallContact {
  id: string;
  callerNumber: string;
  startedAt: Date;
}

const CHUNK = 500;

export async function callsByIds(db: DataSource, ids: string[]): Promise<CallContact[]> {
  const out: CallContact[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(...(await db.manager.find(CallRecord, { where: { id: In(ids.slice(i, i + CHUNK)) }, select: { id: true, callerNumber: true, startedAt: true } })));
  }
  return out.map((c) => ({ id: c.id, callerNumber: c.callerNumber, startedAt: c.startedAt }));
}

export async function callsOfNumbers(db: DataSource, numbers: string[], since: Date, until: Date): Promise<CallContact[]> {
  const out: CallContact[] = [];
  const list = [...new Set(numbers.filter(Boolean))];
  for (let i = 0; i < list.length; i += CHUNK) {
    out.push(...(await db.manager.find(CallRecord, { where: { callerNumber: In(list.slice(i, i + CHUNK)), startedAt: Between(since, until) }, select: { id: true, callerNumber: true, startedAt: true } })));
  }
  return out.map((c) => ({ id: c.id, callerNumber: c.callerNumber, startedAt: c.startedAt }));
}
