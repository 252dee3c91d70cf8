// The voicemail inbox with real calls (sipp callers sending audio) on the real Asterisk: a caller
// leaves a message and hangs up to end it, another talks until the node's maxSeconds, a third
// hangs up during the prompt. The inbox lists what Asterisk kept (with the customer's name and
// the length read from the WAV), notifies the consoles, serves the audio and takes the work.
// One Hotline (SQLite) for the whole file; the three calls run in parallel.
import { expect } from 'chai';
import WebSocket from 'ws';
import { api, publishFlow } from '../support/api.js';
import { userToken } from '../support/acd.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { openConsole, type LiveConsole } from '../support/live.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { patternPcap } from '../support/recording-lab.js';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';
import { signedBy, startReceiver, type Receiver } from '../support/webhook-receiver.js';
import { levels, readWav, wavSeconds } from '../../app/recording/wav.js';

const ARI = `${(process.env.HOTLINE_ARI_URL ?? 'http://127.0.0.1:8088').replace(/\/+$/, '')}/ari`;
const ARI_AUTH = 'Basic ' + Buffer.from('hotline:hotline-dev-ari').toString('base64');
const suffix = String(process.pid % 1000).padStart(3, '0');
/** Callers: one who hangs up to end the message, one who talks past maxSeconds, one who hangs up during the prompt. */
const HANGS_UP = `1380013${suffix}1`;
const TALKS_ON = `1380013${suffix}2`;
const QUITS = `1380013${suffix}3`;
const CUSTOMER = '陈静 (voicemail)';

interface Message {
  id: string;
  callId: string;
  mailbox: string;
  callerNumber: string;
  calledNumber: string;
  customerId: string | null;
  customerName: string | null;
  recording: string;
  status: string;
  seconds: number | null;
  createdAt: string;
  heardAt: string | null;
  heardBy: string | null;
  doneAt: string | null;
  doneBy: string | null;
  note: string | null;
}

describe('voicemail inbox with real calls (sqlite)', function () {
  this.timeout(60_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let agent: { id: string; token: string };
  let reader: { id: string; token: string };
  let agentConsole: LiveConsole;
  let receiver: Receiver;
  let hookSecret = '';
  let customerId: string;
  /** What each caller left, by caller number, once settled. */
  const left = new Map<string, Message>();
  /** The whole seconds between the recording's start and the end of HANGS_UP's call. */
  let spokenSeconds = 0;

  const get = (path: string, token?: string) => api(hotline.url, 'GET', path, undefined, token);
  const byCaller = async (caller: string, status = '') => {
    const res = await get(`/api/voicemails?limit=200${status ? `&status=${status}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.items as Message[]).find((m) => m.callerNumber === caller);
  };

  before(async () => {
    ensurePbx();
    db = await createTestDb('sqlite');
    hotline = await startHotline(db.env);
    agent = await userToken(hotline.url, 'vm-agent', 'agent');
    reader = await userToken(hotline.url, 'vm-reader', 'readonly');
    const customer = await api(hotline.url, 'POST', '/api/customers', { name: CUSTOMER, phones: [HANGS_UP] });
    expect(customer.status, JSON.stringify(customer.body)).to.equal(201);
    customerId = customer.body.id;
    // No prompt (the recording starts at the answer) / a short maxSeconds / a long prompt.
    await publishFlow(hotline.url, 'vm-sales', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'sales', maxSeconds: 30 } } }, ['6101']);
    await publishFlow(hotline.url, 'vm-short', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'short', maxSeconds: 5 } } }, ['6102']);
    await publishFlow(hotline.url, 'vm-prompt', { entry: 'vm', nodes: { vm: { type: 'voicemail', mailbox: 'support', prompt: { sound: 'vm-intro' }, maxSeconds: 20 } } }, ['6103']);
    agentConsole = await openConsole(hotline.url, agent.token);
    // An integrator's endpoint for voicemail.new (before the calls).
    receiver = await startReceiver();
    const hook = await api(hotline.url, 'POST', '/api/webhooks', { name: 'Voicemail to CRM', url: `${receiver.url}/vm`, events: ['voicemail.new'] });
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
    hookSecret = hook.body.secret;

    const talk = patternPcap('voicemail-440', [{ ms: 30_000, hz: 440 }], { ssrc: 0x564d3434 });
    const results = await Promise.all([
      runSipp({ scenario: 'uac-dtmf', service: '6101', caller: HANGS_UP, dtmfFile: talk, waitBeforeDigitsMs: 0, hangupAfterMs: 6500 }),
      runSipp({ scenario: 'uac-dtmf', service: '6102', caller: TALKS_ON, dtmfFile: talk, waitBeforeDigitsMs: 0, hangupAfterMs: 20_000 }),
      runSipp({ scenario: 'uac-hangup', service: '6103', caller: QUITS, hangupAfterMs: 1500 }),
    ]);
    for (const r of results) assertCallsSucceeded(r);
    for (const caller of [HANGS_UP, TALKS_ON]) {
      left.set(caller, await waitUntil(`the message of ${caller} to be new`, async () => {
        const m = await byCaller(caller);
        return m?.status === 'new' ? m : undefined;
      }, 15_000));
    }
    const m = left.get(HANGS_UP)!;
    const call = await get(`/api/calls/${m.callId}`);
    const started = (call.body.events as Array<{ type: string; at: string }>).find((e) => e.type === 'recording.started');
    spokenSeconds = (Date.parse(call.body.endedAt) - Date.parse(started!.at)) / 1000;
  });
  afterEach(() => hangupAll());
  after(async () => {
    agentConsole?.close();
    await receiver?.close();
    // The shared Asterisk keeps stored recordings: leave none of this file's behind.
    for (const m of left.values()) await fetch(`${ARI}/recordings/stored/${m.recording}`, { method: 'DELETE', headers: { authorization: ARI_AUTH } }).catch(() => undefined);
    await stopAllHotlines();
    await db?.drop();
  });

  it('a caller who hangs up to end the message: listed as new with mailbox, numbers, customer and its length', async () => {
    const m = left.get(HANGS_UP)!;
    expect(m).to.deep.include({ mailbox: 'sales', callerNumber: HANGS_UP, calledNumber: '6101', customerId, customerName: CUSTOMER, status: 'new', recording: `hotline-vm-${m.callId}` });
    expect(m.seconds, `recorded ${spokenSeconds} s from the beep to the hangup`).to.be.within(spokenSeconds - 1, spokenSeconds + 1);
    expect(m.seconds, 'about the 6.5 s the caller talked').to.be.within(5, 9);
    expect(m.heardAt).to.equal(null);
    const one = await get(`/api/voicemails/${m.id}`);
    expect(one.status).to.equal(200);
    expect(one.body).to.deep.equal(m);
  });

  it('a caller who talks past maxSeconds: the recording ends there (normal finish), new with maxSeconds; no customer known', async () => {
    const m = left.get(TALKS_ON)!;
    expect(m).to.deep.include({ mailbox: 'short', callerNumber: TALKS_ON, customerId: null, customerName: null, status: 'new' });
    expect(m.seconds).to.be.within(4, 6);
  });

  it('a caller who hangs up during the prompt leaves no new message: the row is empty, not in the default list', async () => {
    const empty = await waitUntil('the quitter\'s row to be settled', () => byCaller(QUITS, 'empty'), 15_000);
    expect(empty).to.deep.include({ mailbox: 'support', status: 'empty', customerName: null });
    expect(await byCaller(QUITS)).to.equal(undefined);
    const audio = await get(`/api/voicemails/${empty.id}/audio`, agent.token);
    expect(audio.status).to.equal(404);
    expect(audio.body.error.code).to.equal('voicemail_no_audio');
  });

  it('the agent console and an integrator\'s webhook got voicemail.new with the customer\'s name; a readonly user gets no live feed at all', async () => {
    const m = left.get(HANGS_UP)!;
    const ev = await waitUntil('voicemail.new on the agent console', () => agentConsole.messages.find((e) => e.type === 'voicemail.new' && e.id === m.id), 5000);
    expect(ev).to.deep.include({ mailbox: 'sales', callerNumber: HANGS_UP, customerName: CUSTOMER, seconds: m.seconds, createdAt: m.createdAt });
    const other = agentConsole.messages.find((e) => e.type === 'voicemail.new' && e.callerNumber === TALKS_ON);
    expect(other, 'the other message too, without a customer name').to.not.equal(undefined);
    expect(other).to.not.have.property('customerName');
    expect(agentConsole.messages.filter((e) => e.type === 'voicemail.new' && e.callerNumber === QUITS)).to.deep.equal([]);
    // The same event reaches an integrator's webhook, signed: one per message, none for the empty one.
    const hooks = await waitUntil('voicemail.new at the webhook', () => (receiver.on('/vm').length >= 2 ? receiver.on('/vm') : undefined), 15_000);
    expect(hooks.every((h) => signedBy(hookSecret, h))).to.equal(true);
    const bodies = hooks.map((h) => h.body as { event: string; data: { id: string; callerNumber: string; mailbox: string; customerName?: string } });
    expect(bodies.map((b) => b.event)).to.deep.equal(['voicemail.new', 'voicemail.new']);
    expect(bodies.map((b) => b.data.callerNumber).sort()).to.deep.equal([HANGS_UP, TALKS_ON].sort());
    expect(bodies.find((b) => b.data.id === m.id)!.data).to.deep.include({ mailbox: 'sales', customerName: CUSTOMER });
    const ws = new WebSocket(`${hotline.url.replace('http', 'ws')}/api/acd/live`);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: reader.token }));
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
    expect(code).to.equal(4401);
  });

  it('the summary counts new messages per mailbox, with since when the oldest waits', async () => {
    const res = await get('/api/voicemails/summary', reader.token);
    expect(res.status).to.equal(200);
    const [sales, short] = [left.get(HANGS_UP)!.createdAt, left.get(TALKS_ON)!.createdAt];
    expect(res.body).to.deep.equal({ mailboxes: [{ mailbox: 'sales', new: 1, oldestNewAt: sales }, { mailbox: 'short', new: 1, oldestNewAt: short }], new: 2, oldestNewAt: sales < short ? sales : short });
  });

  it('a readonly user lists messages but may not hear them (403), nor mark them done', async () => {
    const m = left.get(HANGS_UP)!;
    expect((await get('/api/voicemails', reader.token)).status).to.equal(200);
    const audio = await get(`/api/voicemails/${m.id}/audio`, reader.token);
    expect(audio.status).to.equal(403);
    expect((await api(hotline.url, 'POST', `/api/voicemails/${m.id}/done`, {}, reader.token)).status).to.equal(403);
    expect((await get(`/api/voicemails/${m.id}`)).body.status).to.equal('new');
  });

  it('the agent hears it: a WAV of the same length with the caller\'s audio; the message is heard by the agent; each hearing audited', async () => {
    const m = left.get(HANGS_UP)!;
    const res = await fetch(`${hotline.url}/api/voicemails/${m.id}/audio`, { headers: { authorization: `Bearer ${agent.token}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(Math.abs(wavSeconds(wav, wav.length) - m.seconds!)).to.be.at.most(0.5);
    // The caller's 440 Hz tone, not silence: most 50 ms windows are loud.
    const loud = levels(readWav(wav)).filter((db) => db > -30);
    expect(loud.length / levels(readWav(wav)).length).to.be.greaterThan(0.7);
    const after = (await get(`/api/voicemails/${m.id}`)).body as Message;
    expect(after).to.deep.include({ status: 'heard', heardBy: 'vm-agent' });
    expect(Date.parse(after.heardAt!)).to.be.closeTo(Date.now(), 10_000);
    // Heard again by the admin: still the agent's first hearing.
    expect((await get(`/api/voicemails/${m.id}/audio`)).status).to.equal(200);
    expect((await get(`/api/voicemails/${m.id}`)).body).to.deep.include({ heardBy: 'vm-agent', heardAt: after.heardAt });
    expect((await get('/api/voicemails/summary')).body.new).to.equal(1);
    // Each hearing is in the audit log (a caller's voice is personal data), the agent's and the admin's.
    const audit = await get(`/api/audit?action=voicemail.listen&target=voicemail:${m.id}`);
    expect(audit.status, JSON.stringify(audit.body)).to.equal(200);
    expect(audit.body.items.map((e: { actor: string }) => e.actor).sort()).to.deep.equal(['admin', 'vm-agent']);
    expect(audit.body.items[0].detail).to.deep.include({ mailbox: 'sales', callId: m.callId });
  });

  it('bad queries and bodies are 400 with nothing changed', async () => {
    const m = left.get(TALKS_ON)!;
    for (const q of ['status=lost', 'limit=0', 'limit=201', 'offset=-1', 'mailbox=a%20b', 'from=yesterday', 'from=2026-12-06T10:00:00Z&to=2026-12-05T10:00:00Z', 'unknown=1']) {
      const res = await get(`/api/voicemails?${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.body.error.code, q).to.equal('validation_failed');
    }
    expect((await get('/api/voicemails/summary?mailbox=sales')).status, 'the summary takes no query').to.equal(400);
    expect((await get('/api/voicemails/not-a-uuid')).status).to.equal(400);
    expect((await get('/api/voicemails/not-a-uuid/audio')).status).to.equal(400);
    for (const body of [{ note: 42 }, { note: 'x'.repeat(2001) }, { note: 'ok', extra: true }, { note: 'bell\u0007' }]) {
      const res = await api(hotline.url, 'POST', `/api/voicemails/${m.id}/done`, body, agent.token);
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
    const missing = await api(hotline.url, 'POST', '/api/voicemails/00000000-0000-4000-8000-000000000000/done', {}, agent.token);
    expect(missing.status).to.equal(404);
    expect((await get(`/api/voicemails/${m.id}`)).body).to.deep.include({ status: 'new', note: null, doneAt: null });
  });

  it('done with a note, by whom and when; done twice is 409 and changes nothing; reopen brings it back to heard', async () => {
    const m = left.get(HANGS_UP)!;
    const done = await api(hotline.url, 'POST', `/api/voicemails/${m.id}/done`, { note: 'called back, 订单已补发' }, agent.token);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.deep.include({ status: 'done', doneBy: 'vm-agent', note: 'called back, 订单已补发', customerName: CUSTOMER });
    const again = await api(hotline.url, 'POST', `/api/voicemails/${m.id}/done`, { note: 'twice' }, agent.token);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('voicemail_already_done');
    expect((await get(`/api/voicemails/${m.id}`)).body).to.deep.include({ note: 'called back, 订单已补发', doneAt: done.body.doneAt });
    const listed = await get('/api/voicemails?status=done&mailbox=sales');
    expect(listed.body.items.map((x: Message) => x.id)).to.deep.equal([m.id]);
    expect(listed.body.total).to.equal(1);
    const reopened = await api(hotline.url, 'POST', `/api/voicemails/${m.id}/reopen`, undefined, agent.token);
    expect(reopened.status).to.equal(200);
    expect(reopened.body).to.deep.include({ status: 'heard', doneAt: null, doneBy: null, heardBy: 'vm-agent' });
    expect((await api(hotline.url, 'POST', `/api/voicemails/${m.id}/reopen`, undefined, agent.token)).status).to.equal(409);
    // Done without a note (no body at all).
    expect((await api(hotline.url, 'POST', `/api/voicemails/${m.id}/done`, undefined, agent.token)).body).to.deep.include({ status: 'done', note: 'called back, 订单已补发' });
  });

  it('a message whose recording Asterisk no longer has: 410 voicemail_audio_gone, still new', async () => {
    const m = left.get(TALKS_ON)!;
    const del = await fetch(`${ARI}/recordings/stored/${m.recording}`, { method: 'DELETE', headers: { authorization: ARI_AUTH } });
    expect(del.status).to.equal(204);
    const res = await get(`/api/voicemails/${m.id}/audio`, agent.token);
    expect(res.status).to.equal(410);
    expect(res.body.error).to.deep.include({ code: 'voicemail_audio_gone' });
    expect(JSON.stringify(res.body)).to.not.include('hotline-dev-ari');
    expect((await get(`/api/voicemails/${m.id}`)).body.status).to.equal('new');
  });
});

// The same inbox on MariaDB (its migration, the list's filters, the summary's grouping, the
// conditional transitions), from rows as the collector leaves them, without calls; then the
// collector with Asterisk: a row left recording is settled, the retention deletes.
describe('voicemail inbox on MariaDB (rows as the collector leaves them; retention)', function () {
  this.timeout(60_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const ids = ['a', 'b', 'c', 'd', 'e'].map((x) => `00000000-0000-4000-8000-00000000000${x}`);

  before(async () => {
    db = await createTestDb('mariadb');
    hotline = await startHotline({ ...db.env, HOTLINE_OWN_PBX: 'false' }, { waitForPbx: false });
    const customer = await api(hotline.url, 'POST', '/api/customers', { name: '王芳', phones: ['13900139000'] });
    expect(customer.status).to.equal(201);
    const row = (i: number, mailbox: string, status: string, day: number, extra: Record<string, unknown> = {}) => {
      const r: Record<string, unknown> = { id: ids[i], call_id: `10000000-0000-4000-8000-00000000000${i}`, mailbox, caller_number: `1390013900${i}`, called_number: '4008001234', recording: `hotline-vm-x${i}`, max_seconds: 60, status, seconds: status === 'recording' ? null : 10 + i, created_at: `2026-12-0${day} 10:00:00.000`, updated_at: `2026-12-0${day} 10:00:00.000`, ...extra };
      return db.exec(`INSERT INTO voicemails (${Object.keys(r).join(', ')}) VALUES (${Object.keys(r).map(() => '?').join(', ')})`, Object.values(r));
    };
    await row(0, 'sales', 'new', 1, { customer_id: customer.body.id, caller_number: '13900139000' });
    await row(1, 'sales', 'heard', 2, { heard_by: 'someone', heard_at: '2026-12-02 11:00:00.000' });
    await row(2, 'support', 'new', 3);
    await row(3, 'support', 'empty', 4, { seconds: null });
    await row(4, 'support', 'recording', 5);
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });

  const list = async (q = '') => {
    const res = await api(hotline.url, 'GET', `/api/voicemails${q}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return { ids: (res.body.items as Message[]).map((m) => m.id), total: res.body.total as number, items: res.body.items as Message[] };
  };

  it('lists newest first, without empty or recording by default; filters by mailbox, status, time; pages; names the customer', async () => {
    expect(await list()).to.deep.include({ ids: [ids[2], ids[1], ids[0]], total: 3 });
    expect((await list()).items[2]).to.deep.include({ customerName: '王芳', callerNumber: '13900139000', seconds: 10, createdAt: '2026-12-01T10:00:00.000Z' });
    expect((await list('?mailbox=support')).ids).to.deep.equal([ids[2]]);
    expect((await list('?status=empty')).ids).to.deep.equal([ids[3]]);
    expect((await list('?status=recording')).ids).to.deep.equal([ids[4]]);
    expect((await list('?from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z')).ids).to.deep.equal([ids[1]]);
    expect(await list('?limit=1&offset=1')).to.deep.include({ ids: [ids[1]], total: 3 });
  });

  it('counts new messages per mailbox, with the oldest one\'s time', async () => {
    const res = await api(hotline.url, 'GET', '/api/voicemails/summary');
    expect(res.body).to.deep.equal({ mailboxes: [{ mailbox: 'sales', new: 1, oldestNewAt: '2026-12-01T10:00:00.000Z' }, { mailbox: 'support', new: 1, oldestNewAt: '2026-12-03T10:00:00.000Z' }], new: 2, oldestNewAt: '2026-12-01T10:00:00.000Z' });
  });

  it('done (with a Chinese note), done twice 409, reopen; an empty message done and reopened stays empty; recording: 409', async () => {
    const done = await api(hotline.url, 'POST', `/api/voicemails/${ids[0]}/done`, { note: '已回电，客户满意' });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.deep.include({ status: 'done', doneBy: 'admin', note: '已回电，客户满意', customerName: '王芳' });
    expect((await api(hotline.url, 'POST', `/api/voicemails/${ids[0]}/done`, { note: 'again' })).status).to.equal(409);
    expect((await list('?status=done')).items.map((m) => m.note)).to.deep.equal(['已回电，客户满意']);
    expect((await api(hotline.url, 'POST', `/api/voicemails/${ids[0]}/reopen`)).body.status).to.equal('heard');
    expect((await api(hotline.url, 'POST', `/api/voicemails/${ids[3]}/done`)).body.status).to.equal('done');
    expect((await api(hotline.url, 'POST', `/api/voicemails/${ids[3]}/reopen`)).body.status).to.equal('empty');
    const busy = await api(hotline.url, 'POST', `/api/voicemails/${ids[4]}/done`, {});
    expect(busy.status).to.equal(409);
    expect(busy.body.error.code).to.equal('voicemail_not_ready');
    const recordingAudio = await api(hotline.url, 'GET', `/api/voicemails/${ids[4]}/audio`);
    expect(recordingAudio.status).to.equal(409);
  });

  it('with Asterisk and a retention of 1 day: a row left recording (no call, no file) is settled empty; old done and empty ones are deleted, new and heard kept', async () => {
    ensurePbx();
    await db.exec('UPDATE voicemails SET status = ?, done_at = ?, done_by = ? WHERE id = ?', ['done', '2026-12-02 12:00:00.000', 'someone', ids[1]]);
    await stopAllHotlines();
    hotline = await startHotline({ ...db.env, HOTLINE_VOICEMAIL_RETENTION_DAYS: '1' });
    const [settled] = await hotline.waitForLog('the row left recording settled', (l) => l.msg === 'voicemail settled' && l.voicemailId === ids[4], { timeoutMs: 15_000 });
    expect(settled).to.deep.include({ status: 'empty', seconds: null });
    await waitUntil('the expired messages deleted', async () => (await db.query('SELECT id FROM voicemails')).length === 2 || undefined, 15_000);
    expect((await db.query<{ id: string; status: string }>('SELECT id, status FROM voicemails ORDER BY id')).map((r) => [r.id, r.status])).to.deep.equal([[ids[0], 'heard'], [ids[2], 'new']]);
  });
});
