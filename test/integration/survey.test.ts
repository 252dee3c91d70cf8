// Satisfaction surveys with real calls on the real Asterisk (MariaDB): lab agents (SIPp) that hang
// up first 2 s after answering, SIPp callers that press keys with RFC 2833 digits. A caller whose
// agent hung up hears the survey and their key is saved with what it means; a wrong key gets the
// question again; silence gives no_answer after the retries; a caller who hangs up during the
// survey is caller_hangup; a caller who hangs up before the agent is not asked at all. The report
// counts them; the definitions, the queue's reference and the API's refusals are checked too.
import { expect } from 'chai';
import type { SurveyResponse } from '../../app/web/api/survey-types.js';
import ExcelJS from 'exceljs';
import { tokenOf } from '../support/api.js';
import { api } from '../support/api.js';
import { agentAction, createAgent, createQueue, queueFlow, userToken, waitForAgentState, type TestAgent } from '../support/acd.js';
import { startAgents, type Agents } from '../support/agents.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { dtmfPcap } from '../support/dtmf-pcap.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, PBX_DIR, waitUntil } from '../support/pbx.js';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';
import { openConsole, type LiveConsole } from '../support/live.js';
import { signedBy, startReceiver, type Receiver } from '../support/webhook-receiver.js';

const suffix = String(process.pid % 1000).padStart(3, '0');
const ANSWERS = `1391000${suffix}1`;
const WRONG_FIRST = `1391000${suffix}2`;
const SILENT = `1391000${suffix}3`;
const QUITS_DURING = `1391000${suffix}4`;
const QUITS_BEFORE = `1391000${suffix}5`;
/** The lab agents hang up this long after answering. */
const AGENT_TALK_MS = 2000;
const SPOOL_NAME = `survey-${process.pid}`;

const SURVEY = {
  name: 'service-3',
  language: 'zh',
  question: { sound: 'beep' },
  options: [
    { key: '1', label: '满意', score: 5, satisfied: true },
    { key: '2', label: '一般', score: 3, satisfied: false },
    { key: '3', label: '不满意', score: 1, satisfied: false },
  ],
  invalidPrompt: { sound: 'beep' },
  thanksPrompt: { sound: 'auth-thankyou' },
  timeoutSeconds: 5,
  retries: 1,
};

/** A response as the API gives it (the console's type of it). */
type Response = SurveyResponse;

describe('satisfaction surveys with real calls (mariadb)', function () {
  this.timeout(90_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let phones: Agents | undefined;
  let supervisorFeed: LiveConsole;
  let receiver: Receiver;
  let hookSecret = '';
  const agents: TestAgent[] = [];
  const from = new Date(Date.now() - 60_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();
  const responses = async (): Promise<Response[]> => {
    const res = await api(hotline.url, 'GET', `/api/surveys/responses?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to())}&limit=200`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.items as Response[];
  };
  const settled = (caller: string) =>
    waitUntil(`the survey of ${caller} to be settled`, async () => (await responses()).find((r) => r.callerNumber === caller && r.status !== 'asking'), 20_000);

  before(async () => {
    ensurePbx();
    hangupAll();
    db = await createTestDb('mariadb');
    // The queue records its calls: a caller unhappy with the call flags its recording for QA.
    const work = mkdtempSync(join(tmpdir(), 'hotline-survey-rec-'));
    const spool = join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME);
    mkdirSync(spool, { recursive: true });
    chmodSync(spool, 0o777);
    hotline = await startHotline({
      ...db.env,
      HOTLINE_RECORDINGS_DIR: join(work, 'store'),
      HOTLINE_RECORDINGS_SPOOL_DIR: spool,
      HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR: `/var/spool/asterisk/monitor/${SPOOL_NAME}`,
      HOTLINE_RECORDINGS_KEY_FILE: join(work, 'recordings.keys'),
    });
    const made = await api(hotline.url, 'POST', '/api/surveys', SURVEY);
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    await createQueue(hotline.url, 'svq', { skills: { care: 1 }, survey: 'service-3', recording: { mode: 'all', retentionDays: 30 } });
    for (let slot = 1; slot <= 5; slot++) agents.push(await createAgent(hotline.url, `sv${slot}`, slot, { care: 5 }));
    await queueFlow(hotline.url, 'to-svq', 'svq', '6201');
    phones = await startAgents(5, { hangupAfterMs: AGENT_TALK_MS });
    for (const a of agents) await agentAction(hotline.url, a, 'login');
    for (const a of agents) await waitForAgentState(hotline.url, a, 'available');
    supervisorFeed = await openConsole(hotline.url, (await userToken(hotline.url, 'sv-super', 'supervisor')).token);
    receiver = await startReceiver();
    const hook = await api(hotline.url, 'POST', '/api/webhooks', { name: 'CSAT to CRM', url: `${receiver.url}/csat`, events: ['survey.answered'] });
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
    hookSecret = hook.body.secret;

    // Five callers at once, one per agent. The digits come 5.5 s after the answer: the agent has
    // hung up (2 s after answering) and the question is being asked by then.
    const results = await Promise.all([
      runSipp({ scenario: 'uac-dtmf', service: '6201', caller: ANSWERS, digits: '1', waitBeforeDigitsMs: 5500, recvTimeoutMs: 30_000 }),
      runSipp({ scenario: 'uac-dtmf', service: '6201', caller: WRONG_FIRST, dtmfFile: dtmfPcap('92', { gapMs: 1500 }), waitBeforeDigitsMs: 5500, recvTimeoutMs: 30_000 }),
      runSipp({ scenario: 'uac-wait-bye', service: '6201', caller: SILENT, recvTimeoutMs: 40_000 }),
      runSipp({ scenario: 'uac-hangup', service: '6201', caller: QUITS_DURING, hangupAfterMs: 5000 }),
      runSipp({ scenario: 'uac-hangup', service: '6201', caller: QUITS_BEFORE, hangupAfterMs: 1200 }),
    ]);
    try {
      for (const r of results) assertCallsSucceeded(r);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nHotline warnings: ${JSON.stringify(hotline.logLines().filter((l) => l.level >= 40).slice(-12))}`);
    }
  });
  afterEach(() => hangupAll());
  after(async () => {
    supervisorFeed?.close();
    await receiver?.close();
    phones?.stop();
    await stopAllHotlines();
    await db?.drop();
    rmSync(join(PBX_DIR, 'var/spool/asterisk/monitor', SPOOL_NAME), { recursive: true, force: true });
  });

  it('a caller whose agent hung up is asked; the key is saved with its label, score and the agent and queue', async () => {
    const r = await settled(ANSWERS);
    expect(r).to.deep.include({ survey: 'service-3', queue: 'svq', status: 'answered', key: '1', label: '满意', score: 5, satisfied: true, asked: 1 });
    expect(agents.map((a) => a.id), 'the agent who took the call').to.include(r.agentId);
    expect(r.agentName).to.match(/^sv\d$/);
    // The call's timeline says so, and the call record is the caller's one record.
    const call = await api(hotline.url, 'GET', `/api/calls/${r.callId}`);
    expect(call.status).to.equal(200);
    expect(call.body.callerNumber).to.equal(ANSWERS);
    const answered = (call.body.events as Array<{ type: string; detail: any }>).find((e) => e.type === 'survey.answered');
    expect(answered?.detail).to.deep.include({ key: '1', score: 5 });
    const one = await api(hotline.url, 'GET', `/api/surveys/response-of-call?callId=${r.callId}`);
    expect(one.body.response).to.deep.include({ status: 'answered', label: '满意' });
  });

  it('each answer reaches the supervisors\' live feed and the webhook, once', async () => {
    const r = await settled(ANSWERS);
    const live = await waitUntil('survey.answered on the live feed', () => supervisorFeed.messages.find((m) => m.type === 'survey.answered' && m.callId === r.callId), 10_000);
    expect(live).to.deep.include({ queue: 'svq', key: '1', label: '满意', score: 5, satisfied: true, agentId: r.agentId, callerNumber: ANSWERS });
    const posted = await waitUntil('the webhook POST', () => receiver.on('/csat').find((q) => q.body?.data?.callId === r.callId), 15_000);
    expect(signedBy(hookSecret, posted), 'signed with the endpoint\'s secret').to.equal(true);
    expect(posted.body.event).to.equal('survey.answered');
    expect(posted.body.data).to.deep.include({ label: '满意', score: 5 });
    await settled(WRONG_FIRST);
    expect(supervisorFeed.messages.filter((m) => m.type === 'survey.answered'), 'two answers, no event for no_answer or caller_hangup').to.have.length(2);
  });

  it('a key that is not an answer gets the question again; the next key counts', async () => {
    const r = await settled(WRONG_FIRST);
    expect(r).to.deep.include({ status: 'answered', key: '2', label: '一般', score: 3, satisfied: false, asked: 2 });
  });

  it('no key: asked 1 + retries times, then no_answer and the call ends', async () => {
    const r = await settled(SILENT);
    expect(r).to.deep.include({ status: 'no_answer', key: null, score: null, asked: 2 });
  });

  it('a caller who hangs up during the survey: caller_hangup; one who hangs up before the agent: not asked', async () => {
    const r = await settled(QUITS_DURING);
    expect(r).to.deep.include({ status: 'caller_hangup', key: null });
    const all = await responses();
    expect(all.filter((x) => x.callerNumber === QUITS_BEFORE), 'no survey for a caller who hung up first').to.have.length(0);
    const [row] = await db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM call_records WHERE caller_number = ?', [QUITS_BEFORE]);
    expect(Number(row!.n), 'that caller did call').to.equal(1);
  });

  it('QA finds the recording of the call whose caller was not satisfied (flag unsatisfied); the satisfied one is not flagged', async () => {
    const unhappy = await settled(WRONG_FIRST);
    const happy = await settled(ANSWERS);
    const flagged = await waitUntil('the unhappy call\'s recording flagged', async () => {
      const res = await api(hotline.url, 'GET', '/api/recordings?flag=unsatisfied&limit=50');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const items = res.body.items as Array<{ callId: string; flags: string[]; status: string }>;
      return items.find((r) => r.callId === unhappy.callId);
    }, 30_000);
    expect(flagged.status).to.equal('stored');
    const other = await waitUntil('the satisfied call\'s recording stored', async () => {
      const res = await api(hotline.url, 'GET', `/api/recordings?callId=${happy.callId}`);
      return (res.body.items as Array<{ status: string; flags: string[] }>).find((r) => r.status === 'stored');
    }, 30_000);
    expect(other.flags).to.not.include('unsatisfied');
    const call = await api(hotline.url, 'GET', `/api/calls/${unhappy.callId}`);
    const events = (call.body.events as Array<{ type: string; detail: any }>).filter((e) => e.type === 'recording.flagged' && (e.detail.flags as string[]).includes('unsatisfied'));
    expect(events, 'flagged once on the call\'s timeline').to.have.length(1);
  });

  it('the report counts them by queue, agent and day', async () => {
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to())}`;
    const byQueue = await api(hotline.url, 'GET', `/api/surveys/report?${q}&groupBy=queue`);
    expect(byQueue.status, JSON.stringify(byQueue.body)).to.equal(200);
    expect(byQueue.body.rows).to.have.length(1);
    expect(byQueue.body.rows[0]).to.deep.include({ key: 'svq', surveyed: 4, answered: 2, satisfied: 1, scoreSum: 8, responseRate: 0.5, csat: 0.5, averageScore: 4 });
    expect(byQueue.body.rows[0].byLabel).to.deep.equal({ 满意: 1, 一般: 1 });
    expect(byQueue.body.definitions['zh-CN']).to.have.length(4);
    const byAgent = await api(hotline.url, 'GET', `/api/surveys/report?${q}&groupBy=agent`);
    expect(byAgent.body.rows.reduce((n: number, r: { surveyed: number }) => n + r.surveyed, 0)).to.equal(4);
    expect(byAgent.body.rows.every((r: { label: string }) => /^sv\d$/.test(r.label)), JSON.stringify(byAgent.body.rows)).to.equal(true);
    const byDay = await api(hotline.url, 'GET', `/api/surveys/report?${q}&groupBy=day&timezone=Asia/Shanghai`);
    expect(byDay.body.total).to.deep.include({ surveyed: 4, answered: 2 });
    expect(byDay.body.rows[0].key).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('the queue comparison and the agent statistics carry the same satisfaction figures, with the definition printed', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day(-1)}&to=${day(1)}`;
    const queues = await api(hotline.url, 'GET', `/api/reports/queues?${range}`);
    expect(queues.status, JSON.stringify(queues.body)).to.equal(200);
    const svq = (queues.body.items as Array<Record<string, unknown>>).find((i) => i.queue === 'svq');
    expect(svq).to.deep.include({ surveyed: 4, surveyAnswered: 2, csat: 0.5, averageScore: 4 });
    expect(queues.body.total).to.deep.include({ surveyed: 4, surveyAnswered: 2, csat: 0.5 });
    expect((queues.body.definitions.statements as Array<{ key: string }>).map((x) => x.key)).to.include('csat');
    const byAgent = await api(hotline.url, 'GET', `/api/reports/agents?${range}`);
    const rated = (byAgent.body.items as Array<{ agentId: string; surveyAnswered: number; csat: number | null }>).filter((a) => a.surveyAnswered > 0);
    const answers = await responses();
    const expected = new Map<string, number>();
    for (const r of answers.filter((x) => x.status === 'answered')) expected.set(r.agentId!, (expected.get(r.agentId!) ?? 0) + 1);
    expect(new Map(rated.map((a) => [a.agentId, a.surveyAnswered]))).to.deep.equal(expected);
    expect(rated.find((a) => a.agentId === answers.find((x) => x.callerNumber === ANSWERS)!.agentId)!.csat).to.equal(1);
  });

  it('the responses as .xlsx in Chinese: one row per surveyed call with its answer, and the definitions', async () => {
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to())}`;
    const res = await fetch(`${hotline.url}/api/surveys/responses/export.xlsx?${q}&locale=zh-CN`, { headers: { authorization: `Bearer ${tokenOf(hotline.url)}` } });
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('满意度调查')!;
    const rows = ws.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).to.include('来电号码').and.include('评价');
    const answered = rows.find((r) => r.includes(ANSWERS))!;
    expect(answered).to.include('已评价').and.include('满意').and.include(5).and.include('是');
    expect(rows.filter((r) => r.includes(SILENT))[0]).to.include('未按键');
    expect(rows.length - 1, 'one row per surveyed call').to.equal(4);
    expect(wb.getWorksheet('口径说明')!.rowCount).to.equal(5);
    expect((await fetch(`${hotline.url}/api/surveys/responses/export.xlsx?${q}&locale=fr`, { headers: { authorization: `Bearer ${tokenOf(hotline.url)}` } })).status).to.equal(400);
  });

  it('the wallboard shows the queue\'s satisfaction today, pushed live as answers come', async () => {
    const board = await api(hotline.url, 'GET', '/api/wallboard');
    expect(board.status).to.equal(200);
    const q = (board.body.queues as Array<{ queue: string; today: { satisfaction: unknown } }>).find((x) => x.queue === 'svq');
    expect(q?.today.satisfaction).to.deep.include({ surveyed: 4, answered: 2, satisfied: 1, csat: 0.5 });
    // The last push for the queue came after the last answer and carries it.
    const pushed = supervisorFeed.messages.filter((m) => m.type === 'wallboard.queue' && m.queue === 'svq' && m.figures.today.satisfaction);
    expect(pushed.at(-1)?.figures.today.satisfaction, 'a live wallboard update with the satisfaction').to.deep.include({ answered: 2 });
  });

  it('definitions: bad ones refused naming the field, a survey in use is not deleted, a queue cannot name a missing survey', async () => {
    const bad = await api(hotline.url, 'POST', '/api/surveys', { ...SURVEY, name: 'dup-keys', options: [SURVEY.options[0], { ...SURVEY.options[1], key: '1' }] });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body.error.details)).to.contain('options.1.key');
    const noSat = await api(hotline.url, 'POST', '/api/surveys', { ...SURVEY, name: 'no-sat', options: SURVEY.options.map((o) => ({ ...o, satisfied: false })) });
    expect(noSat.status).to.equal(400);
    const missing = await api(hotline.url, 'POST', '/api/surveys', { ...SURVEY, name: 'no-sound', question: { sound: 'no-such-sound-here' } });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.code).to.equal('survey_prompt_missing');
    const taken = await api(hotline.url, 'POST', '/api/surveys', SURVEY);
    expect(taken.status).to.equal(409);
    expect(taken.body.error.code).to.equal('survey_exists');
    const inUse = await api(hotline.url, 'DELETE', '/api/surveys/service-3');
    expect(inUse.status).to.equal(409);
    expect(inUse.body.error).to.deep.include({ code: 'survey_in_use' });
    expect(inUse.body.error.details.queues).to.deep.equal(['svq']);
    const unknown = await api(hotline.url, 'POST', '/api/acd/queues', { name: 'svq2', settings: { survey: 'nope' } });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.code).to.equal('unknown_survey');
    const badQuery = await api(hotline.url, 'GET', `/api/surveys/report?from=${encodeURIComponent(to())}&to=${encodeURIComponent(from)}`);
    expect(badQuery.status).to.equal(400);
    const reader = await userToken(hotline.url, 'sv-reader', 'readonly');
    expect((await api(hotline.url, 'GET', '/api/surveys', undefined, reader.token)).status).to.equal(200);
    expect((await api(hotline.url, 'POST', '/api/surveys', { ...SURVEY, name: 'by-reader' }, reader.token)).status).to.equal(403);
    // Nothing of the refused ones was saved.
    const list = await api(hotline.url, 'GET', '/api/surveys');
    expect(list.body.items.map((s: { name: string }) => s.name)).to.deep.equal(['service-3']);
  });
});
