// Recording routes: search, metadata, playback (Range; the console's player through a play
// ticket) and downloads — each listen and download
// audited — the agent's record / pause / resume button, and the key rotation.
import type { Request, Response } from 'express';
import type { AuditInput } from '../auth/audit.js';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import type { RecordingAccess } from './recording.access.js';
import type { Recording, RecordingLeg } from './recording.entities.js';
import type { PlayTickets } from './play-ticket.js';
import { RecordingNotStoredError, RecordingPurgedError } from './recording.errors.js';
import type { RecordingPlayer } from './recording.player.js';
import { audioQuery, holdBody, keywordBody, keywordIdParams, keywordListQuery, playBody, streamQuery, holdIdParams, liveRecordingBody, recordingAgentParams, recordingIdParams, recordingListQuery } from './recording.schemas.js';
import { recordingJson, type RecordingSearch } from './recording.search.js';
import type { RecordingService } from './recording.service.js';
import type { KeyRing } from './key-ring.js';
import type { RecordingRetention } from './recording.retention.js';
import { keywordJson, type KeywordService } from './keyword.service.js';

const HEAR = { allow: ['admin', 'supervisor', 'agent'] } as const;

export interface RecordingRouteDeps {
  service: RecordingService;
  search: RecordingSearch;
  access: RecordingAccess;
  player: RecordingPlayer;
  keys: KeyRing;
  tickets: PlayTickets;
  retention: RecordingRetention;
  keywords: KeywordService;
  audit: (e: AuditInput) => Promise<void>;
  /** Agents may act on their own agent only (the ACD's guard). */
  mayActOn: (req: Request, agentId: string) => Promise<void>;
  /** Queues a supervisor may hear. */
  queuesOf: (supervisor: string) => Promise<string[]>;
}

export function recordingRoutes(r: SecureRouter, d: RecordingRouteDeps): void {
  r.get('/recordings', { ...HEAR, query: recordingListQuery }, async (req, res) => {
    const q = input(req, 'query', recordingListQuery);
    const scope = await d.access.scope(principalOf(req));
    const { items, total } = await d.search.list(q, { ...(scope.agentId !== undefined ? { agentId: scope.agentId } : {}), ...(scope.supervisor ? { queues: await d.queuesOf(scope.supervisor) } : {}) });
    res.json({ items: items.map(recordingJson), total, limit: q.limit, offset: q.offset });
  });

  // Legal holds (before /recordings/:id: "holds" is not an id).
  r.get('/recordings/holds', { allow: ['admin', 'supervisor'] }, async (_req, res) => {
    res.json({ items: await d.retention.holds() });
  });
  r.post('/recordings/holds', { allow: ['admin'], body: holdBody }, async (req, res) => {
    const h = input(req, 'body', holdBody);
    const who = principalOf(req);
    res.status(201).json(await d.retention.hold(h, { name: who.name, ip: req.ip ?? null }));
  });
  r.delete('/recordings/holds/:id', { allow: ['admin'], params: holdIdParams }, async (req, res) => {
    const { id } = input(req, 'path', holdIdParams);
    const who = principalOf(req);
    await d.retention.release(id, { name: who.name, ip: req.ip ?? null });
    res.status(204).end();
  });

  // Keywords spotted in recordings (before /recordings/:id too).
  r.get('/recordings/keywords', { allow: ['admin', 'supervisor'], query: keywordListQuery }, async (req, res) => {
    const { queue } = input(req, 'query', keywordListQuery);
    res.json({ items: (await d.keywords.list(queue)).map(keywordJson) });
  });
  r.post('/recordings/keywords', { allow: ['admin'], body: keywordBody, audit: 'config.change' }, async (req, res) => {
    const k = input(req, 'body', keywordBody);
    res.status(201).json(keywordJson(await d.keywords.create(k, principalOf(req).name)));
  });
  r.delete('/recordings/keywords/:id', { allow: ['admin'], params: keywordIdParams, audit: 'config.change' }, async (req, res) => {
    const { id } = input(req, 'path', keywordIdParams);
    await d.keywords.remove(id);
    res.status(204).end();
  });

  r.get('/recordings/:id', { ...HEAR, params: recordingIdParams }, async (req, res) => {
    const { id } = input(req, 'path', recordingIdParams);
    const rec = await d.search.get(id);
    await d.access.check(principalOf(req), rec);
    res.json(recordingJson(rec));
  });

  r.get('/recordings/:id/audio', { ...HEAR, params: recordingIdParams, query: audioQuery }, async (req, res) => {
    const { id } = input(req, 'path', recordingIdParams);
    const q = input(req, 'query', audioQuery);
    const who = principalOf(req);
    const rec = await d.search.get(id);
    await d.access.check(who, rec);
    await send(rec, q.leg, q.format, who.name, req, res);
  });

  // The player's URL: an <audio> element sends no bearer header, so the signed-in user gets a
  // ticket for one recording and leg (access checked now) and the player streams with it.
  r.post('/recordings/:id/play', { ...HEAR, params: recordingIdParams, body: playBody }, async (req, res) => {
    const { id } = input(req, 'path', recordingIdParams);
    const { leg } = input(req, 'body', playBody);
    const who = principalOf(req);
    const rec = await d.search.get(id);
    await d.access.check(who, rec);
    if (rec.status === 'purged') throw new RecordingPurgedError(id);
    if (rec.status !== 'stored') throw new RecordingNotStoredError(id, rec.status);
    const { ticket, expiresAt } = d.tickets.issue({ r: rec.id, leg, u: who.name, role: who.role });
    res.set('Cache-Control', 'no-store').json({ url: `/api/recordings/${rec.id}/stream?ticket=${encodeURIComponent(ticket)}`, expiresAt });
  });
  r.get('/recordings/:id/stream', { public: true, params: recordingIdParams, query: streamQuery }, async (req, res) => {
    const { id } = input(req, 'path', recordingIdParams);
    const t = d.tickets.verify(input(req, 'query', streamQuery).ticket, id);
    await send(await d.search.get(id), t.leg, 'ogg', t.u, req, res);
  });

  async function send(rec: Recording, legName: RecordingLeg['leg'], format: 'ogg' | 'wav' | 'mp3', actorName: string, req: Request, res: Response): Promise<void> {
    if (rec.status === 'purged') throw new RecordingPurgedError(rec.id);
    if (rec.status !== 'stored') throw new RecordingNotStoredError(rec.id, rec.status);
    const leg = (JSON.parse(rec.legs) as RecordingLeg[]).find((l) => l.leg === legName)!;
    const name = `recording-${rec.id}-${legName}`;
    const actor = { actor: actorName, actorIp: req.ip ?? null, target: `recording:${rec.id}` };
    if (format !== 'ogg') {
      await d.audit({ ...actor, action: 'recording.download', detail: { leg: legName, format, callId: rec.callId, queue: rec.queue } });
      await d.player.download(leg, format, res, name);
      return;
    }
    // A player asks for many ranges while it plays and seeks: the listen is audited when it
    // starts (no Range, or one from the first byte), not at every seek.
    const range = req.headers.range;
    const starts = !range || /^bytes=0-/.test(range.trim());
    if (starts) await d.audit({ ...actor, action: 'recording.listen', detail: { leg: legName, callId: rec.callId, queue: rec.queue } });
    await d.player.stream(leg, range, res, name);
  }

  // The agent desktop's button: the current call's recording (state, start on demand, pause, resume).
  r.get('/acd/agents/:agentId/recording', { ...HEAR, params: recordingAgentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', recordingAgentParams);
    await d.mayActOn(req, agentId);
    res.set('Cache-Control', 'no-store').json({ recording: await d.service.live(agentId) });
  });
  r.post('/acd/agents/:agentId/recording', { ...HEAR, params: recordingAgentParams, body: liveRecordingBody }, async (req, res) => {
    const { agentId } = input(req, 'path', recordingAgentParams);
    const { action } = input(req, 'body', liveRecordingBody);
    await d.mayActOn(req, agentId);
    if (action === 'start') await d.service.startOnDemand(agentId);
    else await d.service.pause(agentId, action === 'pause');
    res.json({ recording: await d.service.live(agentId) });
  });

  r.post('/recordings/keys/rotate', { allow: ['admin'], audit: 'config.change' }, async (_req, res) => {
    res.json({ keyId: d.keys.rotate() });
  });
}
