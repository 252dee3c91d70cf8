// Routes of the voicemail inbox. Thin: parse with zod, call the service, map the result.
import { pipeline } from 'node:stream/promises';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import type { Audit } from '../auth/audit.js';
import type { StoredRecordings } from '../pbx/ports.js';
import type { Voicemail } from './voicemail.entities.js';
import { VoicemailAudioGoneError, VoicemailNoAudioError } from './voicemail.errors.js';
import { voicemailDoneBody, voicemailListQuery, voicemailParams } from './voicemail.schemas.js';
import type { VoicemailService } from './voicemail.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
const WORK = { allow: ['admin', 'supervisor', 'agent'] } as const;

/** Customer names by id (the CRM's), for the messages listed. */
export type CustomerNames = (ids: string[]) => Promise<Map<string, string>>;

export const voicemailJson = (v: Voicemail, customerName: string | null) => ({
  id: v.id,
  callId: v.callId,
  mailbox: v.mailbox,
  callerNumber: v.callerNumber,
  calledNumber: v.calledNumber,
  customerId: v.customerId,
  customerName,
  recording: v.recording,
  status: v.status,
  seconds: v.seconds,
  createdAt: v.createdAt,
  settledAt: v.settledAt,
  heardAt: v.heardAt,
  heardBy: v.heardBy,
  doneAt: v.doneAt,
  doneBy: v.doneBy,
  note: v.note,
});


export function voicemailRoutes(r: SecureRouter, messages: VoicemailService, stored: StoredRecordings, namesOf: CustomerNames, audit?: Audit): void {
  const withNames = async (rows: Voicemail[]) => {
    const ids = [...new Set(rows.map((v) => v.customerId).filter((id): id is string => !!id))];
    const names = ids.length ? await namesOf(ids) : new Map<string, string>();
    return rows.map((v) => voicemailJson(v, (v.customerId && names.get(v.customerId)) || null));
  };
  const one = async (v: Voicemail) => (await withNames([v]))[0]!;

  r.get('/voicemails', { ...READ, query: voicemailListQuery }, async (req, res) => {
    const q = input(req, 'query', voicemailListQuery);
    const { items, total } = await messages.list(q);
    res.json({ items: await withNames(items), total, limit: q.limit, offset: q.offset });
  });
  // Before /voicemails/:id (not a message id).
  r.get('/voicemails/summary', READ, async (_req, res) => {
    res.json(await messages.summary());
  });
  r.get('/voicemails/:id', { ...READ, params: voicemailParams }, async (req, res) => {
    res.json(await one(await messages.get(input(req, 'path', voicemailParams).id)));
  });
  r.get('/voicemails/:id/audio', { ...WORK, params: voicemailParams }, async (req, res) => {
    const { id } = input(req, 'path', voicemailParams);
    const v = await messages.get(id);
    if (v.status === 'recording' || v.status === 'empty') throw new VoicemailNoAudioError(v.status);
    const file = await stored.open(v.recording);
    if (!file) throw new VoicemailAudioGoneError(v.recording);
    const who = principalOf(req).name;
    await audit?.({ actor: who, actorIp: req.ip ?? null, action: 'voicemail.listen', target: `voicemail:${id}`, detail: { mailbox: v.mailbox, callId: v.callId, callerNumber: v.callerNumber } });
    await messages.heard(id, who);
    res.setHeader('content-type', 'audio/wav');
    res.setHeader('content-disposition', `inline; filename="voicemail-${id}.wav"`);
    res.setHeader('cache-control', 'private, no-store');
    if (file.bytes !== null) res.setHeader('content-length', String(file.bytes));
    try {
      await pipeline(file.body, res);
    } catch (err) {
      // Once the audio started, a listener who went away (or Asterisk closing mid-file) ends the
      // response where it stands; nothing else can be said to the client.
      if (!res.headersSent) throw err;
      res.destroy();
    }
  });
  r.post('/voicemails/:id/done', { ...WORK, params: voicemailParams, body: voicemailDoneBody, bodyOptional: true }, async (req, res) => {
    const { id } = input(req, 'path', voicemailParams);
    const { note } = input(req, 'body', voicemailDoneBody);
    res.json(await one(await messages.done(id, principalOf(req).name, note)));
  });
  r.post('/voicemails/:id/reopen', { ...WORK, params: voicemailParams }, async (req, res) => {
    const { id } = input(req, 'path', voicemailParams);
    res.json(await one(await messages.reopen(id)));
  });
}
