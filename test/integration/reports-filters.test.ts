// Report filters: weekdays, times of day (local to tz) and skill groups. Eight days of queue calls
// in America/New_York across the end of DST (2025-11-02), at local times on both sides of 08:00
// and 18:00, are put in the ACD's table with the agents' state changes (no Asterisk), the rollups
// rebuilt, and every report filtered to Mon–Fri 08:00–18:00 must give the figures the test
// computes from its own rows for that subset; the skill groups select their queues; each report
// states the filter; bad filter values are refused with a 400 naming the field.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { rebuildReports } from '../support/reports-rebuild.js';

const TZ = 'America/New_York';
const DAYS = ['2025-10-29', '2025-10-30', '2025-10-31', '2025-11-01', '2025-11-02', '2025-11-03', '2025-11-04', '2025-11-05'];
const WEEKDAY: Record<string, number> = { '2025-10-29': 3, '2025-10-30': 4, '2025-10-31': 5, '2025-11-01': 6, '2025-11-02': 7, '2025-11-03': 1, '2025-11-04': 2, '2025-11-05': 3 };
/** New York's offset on a day at the times used (DST ends at 02:00 on 2025-11-02; no call before 07:00 that day). */
const offset = (date: string) => (date < '2025-11-02' ? '-04:00' : '-05:00');
const TIMES = ['07:50', '08:00', '09:40', '12:10', '17:45', '18:00', '22:30'];
const QUEUES: Record<string, string | null> = { sales: 'presales', support: 'service', vip: 'service', billing: null };
const AGENTS = [randomUUID(), randomUUID()];

interface Leg { id: string; uniqueid: string; queue: string; caller: string; date: string; time: string; outcome: 'answered' | 'abandoned' | 'timeout' | 'left'; wait: number; talk: number; agent: string | null; disposition: string; at: number }

function legs(): Leg[] {
  const out: Leg[] = [];
  const leg = (l: Omit<Leg, 'id' | 'at'>, secondsAfter = 0) => out.push({ ...l, id: randomUUID(), at: Date.parse(`${l.date}T${l.time}:00${offset(l.date)}`) + secondsAfter * 1000 });
  DAYS.forEach((date, d) => TIMES.forEach((time, k) => {
    const i = d * TIMES.length + k;
    const outcome = (['answered', 'answered', 'abandoned', 'answered', 'timeout'] as const)[i % 5]!;
    leg({
      uniqueid: `flt-${i}`, queue: Object.keys(QUEUES)[i % 4]!, caller: i % 9 <= 1 ? `1390013${String(1000 + Math.floor(i / 9))}` : `1380013${String(1000 + i)}`, date, time, outcome,
      wait: (i * 7) % 40, talk: outcome === 'answered' ? 30 + i : 0, agent: outcome === 'answered' ? AGENTS[i % 2]! : null, disposition: outcome === 'answered' && i % 3 === 0 ? 'sale' : '',
    });
  }));
  // Callers i and i + 1 (i a multiple of 9) are one number calling twice: at 17:45 and 18:00 (a repeat outside the hours), at 08:00 and 09:40 …
  // Two calls that overflowed: sales → support (two skill groups), support → vip (inside the group 'service').
  leg({ uniqueid: 'flt-ovf-1', queue: 'sales', caller: '13700137001', date: '2025-11-03', time: '10:00', outcome: 'left', wait: 30, talk: 0, agent: null, disposition: '' });
  leg({ uniqueid: 'flt-ovf-1', queue: 'support', caller: '13700137001', date: '2025-11-03', time: '10:00', outcome: 'answered', wait: 5, talk: 60, agent: AGENTS[0]!, disposition: '' }, 30);
  leg({ uniqueid: 'flt-ovf-2', queue: 'support', caller: '13700137002', date: '2025-11-04', time: '11:00', outcome: 'left', wait: 30, talk: 0, agent: null, disposition: '' });
  leg({ uniqueid: 'flt-ovf-2', queue: 'vip', caller: '13700137002', date: '2025-11-04', time: '11:00', outcome: 'abandoned', wait: 8, talk: 0, agent: null, disposition: '' }, 30);
  return out;
}

const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
/** The subset the filter keeps: Monday to Friday, 08:00 (in) to 18:00 (out), local. */
const kept = (l: Leg) => WEEKDAY[l.date]! <= 5 && minuteOf(l.time) >= 480 && minuteOf(l.time) < 1080;
const FILTER = 'weekdays=1,2,3,4,5&dayStart=08:00&dayEnd=18:00';

for (const kind of DB_KINDS) {
  describe(`report filters: weekdays, times of day, skill groups (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    const all = legs();
    const sub = all.filter(kept);
    const range = `from=${DAYS[0]}&to=2025-11-06&tz=${encodeURIComponent(TZ)}`;
    const get = async (path: string) => {
      const res = await api(hotline.url, 'GET', path);
      expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(200);
      return res.body;
    };
    /** Calls (each once: an overflowed leg is the same caller's next leg) of a set of legs whose queues are all selected. */
    const calls = (ls: Leg[], selected: (q: string) => boolean = () => true) => ls.filter((l) => selected(l.queue)).length - ls.filter((l) => l.outcome === 'left' && selected(l.queue) && ls.some((n) => n.uniqueid === l.uniqueid && n.queue !== l.queue && selected(n.queue))).length;
    const count = (ls: Leg[], outcome: Leg['outcome']) => ls.filter((l) => l.outcome === outcome).length;

    before(async () => {
      db = await createTestDb(kind);
      hotline = await startHotlineWithoutPbx(db.env);
      for (const [name, skillGroup] of Object.entries(QUEUES)) {
        const res = await api(hotline.url, 'POST', '/api/acd/queues', { name, settings: { serviceLevelSeconds: 20, ...(skillGroup ? { skillGroup } : {}) } });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      const at = (ms: number | null) => (ms === null ? null : kind === 'sqlite' ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : new Date(ms));
      for (const l of all) {
        const answered = l.outcome === 'answered' ? l.at + l.wait * 1000 : null;
        const ended = l.at + (l.wait + l.talk) * 1000;
        await db.exec(
          'INSERT INTO acd_queue_calls (id, source, queue, uniqueid, caller_number, joined_at, answered_at, left_at, ended_at, outcome, agent_id, agent_interface, hold_seconds, talk_seconds, disposition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [l.id, 'hotline', l.queue, l.uniqueid, l.caller, at(l.at), at(answered), at(answered ?? l.at + l.wait * 1000), at(ended), l.outcome, l.agent, l.agent ? 'PJSIP/x' : '', l.wait, l.outcome === 'answered' ? l.talk : null, l.disposition],
        );
      }
      // Agent 0 every day: ready 07:00, on a lunch break 12:00–12:30, ready again, logged out 19:00 (local).
      let n = 0;
      for (const date of DAYS) {
        for (const [time, state, reason] of [['07:00', 'available', ''], ['12:00', 'break', 'lunch'], ['12:30', 'available', ''], ['19:00', 'logged_out', '']]) {
          await db.exec('INSERT INTO acd_agent_events (id, agent_id, state, reason, source, at) VALUES (?, ?, ?, ?, ?, ?)', [++n, AGENTS[0], state, reason, 'api', at(Date.parse(`${date}T${time}:00${offset(date)}`))]);
        }
      }
      const code = (await rebuildReports(db.env)).code;
      expect(code).to.equal(0);
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('the call summary counts only the calls of Mon–Fri 08:00–18:00 local, day by day across the DST change', async () => {
      expect(sub.length, 'the filter keeps some calls and leaves some out').to.be.within(10, all.length - 10);
      const s = await get(`/api/reports/summary?${range}&interval=day&${FILTER}`);
      const dates = [...new Set(sub.map((l) => l.date))].sort();
      expect(s.items.map((i: { period: string }) => i.period)).to.deep.equal(dates);
      for (const item of s.items) {
        const day = sub.filter((l) => l.date === item.period);
        expect([item.offered, item.answered, item.abandoned], item.period).to.deep.equal([calls(day), count(day, 'answered'), count(day, 'abandoned')]);
      }
      expect([s.total.offered, s.total.answered, s.total.abandoned, s.total.timeouts]).to.deep.equal([calls(sub), count(sub, 'answered'), count(sub, 'abandoned'), count(sub, 'timeout')]);
      // Without the filter: every call.
      expect((await get(`/api/reports/summary?${range}`)).total.offered).to.equal(calls(all));
      // By hour: only the hours 08 to 17.
      const hours = (await get(`/api/reports/summary?${range}&interval=hour&${FILTER}`)).items.map((i: { period: string }) => Number(i.period.slice(11, 13)));
      expect(Math.min(...hours)).to.equal(8);
      expect(Math.max(...hours)).to.equal(17);
    });

    it('the queue comparison: each queue with its skill group, a total per skill group and the total, each call once', async () => {
      const q = await get(`/api/reports/queues?${range}&${FILTER}`);
      for (const item of q.items) {
        const mine = sub.filter((l) => l.queue === item.queue);
        expect([item.skillGroup, item.offered, item.answered, item.abandoned, item.overflowed], item.queue).to.deep.equal([QUEUES[item.queue], mine.length, count(mine, 'answered'), count(mine, 'abandoned'), count(mine, 'left')]);
      }
      expect(q.items.map((i: { queue: string }) => i.queue)).to.deep.equal(['billing', 'sales', 'support', 'vip']);
      expect(q.skillGroups.map((g: { skillGroup: string; queues: string[]; offered: number }) => [g.skillGroup, g.queues, g.offered])).to.deep.equal([
        ['presales', ['sales'], calls(sub, (x) => x === 'sales')],
        ['service', ['support', 'vip'], calls(sub, (x) => QUEUES[x] === 'service')],
      ]);
      expect(q.total.offered).to.equal(calls(sub));
      // The .xlsx holds the same totals by skill group, in a labelled section under the total, both languages.
      for (const [locale, title, label, sep] of [['en', 'Totals by skill group (each call once)', 'Skill group total', ', '], ['zh-CN', '按技能组合计（每通一次）', '技能组合计', '、']] as const) {
        const res = await api<Buffer>(hotline.url, 'GET', `/api/reports/queues/export.xlsx?${range}&${FILTER}&locale=${locale}`);
        expect(res.status).to.equal(200);
        const { ExcelJS } = await import('../../app/io/exceljs.js');
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(res.body as never);
        const rows: unknown[][] = [];
        wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
        const header = rows[0]!.map(String);
        const at = rows.findIndex((r) => r[0] === title);
        expect(at, `${locale}: the skill-group section`).to.be.greaterThan(0);
        expect(rows[at - 1]![0]).to.equal(locale === 'en' ? 'Total' : '合计');
        const keys: Array<[string, string]> = locale === 'en'
          ? [['offered', 'Offered'], ['answered', 'Answered'], ['abandoned', 'Abandoned'], ['overflowed', 'Overflowed'], ['timeouts', 'Timed out'], ['serviceLevel', 'Service level'], ['abandonRate', 'Abandon rate'], ['asaSeconds', 'ASA (s)'], ['talkSeconds', 'Talk (s)']]
          : [['offered', '进线'], ['answered', '接通'], ['abandoned', '放弃'], ['overflowed', '溢出'], ['timeouts', '超时离开'], ['serviceLevel', '服务水平'], ['abandonRate', '放弃率'], ['asaSeconds', 'ASA (秒)'], ['talkSeconds', '通话 (秒)']];
        const inFile = rows.slice(at + 1).map((r) => [r[0], r[1], r[2], ...keys.map(([, h]) => r[header.indexOf(h)] ?? null)]);
        const inApi = q.skillGroups.map((g: Record<string, unknown> & { queues: string[] }) => [label, g.skillGroup, g.queues.join(sep), ...keys.map(([k]) => g[k] ?? null)]);
        expect(inFile, locale).to.deep.equal(inApi);
      }
      // The skill group 'service' selects its queues; with queues, the queues in both (intersection).
      const service = await get(`/api/reports/queues?${range}&${FILTER}&skillGroups=service`);
      expect(service.items.map((i: { queue: string }) => i.queue)).to.deep.equal(['support', 'vip']);
      expect(service.total.offered).to.equal(calls(sub, (x) => QUEUES[x] === 'service'));
      const both = await get(`/api/reports/queues?${range}&skillGroups=service&queues=support,billing`);
      expect(both.items.map((i: { queue: string }) => i.queue)).to.deep.equal(['support']);
      expect(both.definitions.filter.queues).to.deep.equal(['support']);
    });

    it('agent statistics: calls of the filtered hours, and logged-in, ready and break time only inside them', async () => {
      const a = await get(`/api/reports/agents?${range}&${FILTER}`);
      for (const agent of AGENTS) {
        const item = a.items.find((i: { agentId: string }) => i.agentId === agent);
        const mine = sub.filter((l) => l.agent === agent && l.outcome === 'answered');
        expect([item.handled, item.talkSeconds], agent).to.deep.equal([mine.length, mine.reduce((s, l) => s + l.talk, 0)]);
      }
      const weekdays = DAYS.filter((d) => WEEKDAY[d]! <= 5).length;
      const a0 = a.items.find((i: { agentId: string }) => i.agentId === AGENTS[0]);
      // 08:00–18:00 of each weekday: 10 h logged in, of them 30 min on the lunch break.
      expect([a0.loggedInSeconds, a0.breakSeconds, a0.readySeconds, a0.breakByReason]).to.deep.equal([weekdays * 36_000, weekdays * 1800, weekdays * 34_200, { lunch: weekdays * 1800 }]);
      const unfiltered = (await get(`/api/reports/agents?${range}`)).items.find((i: { agentId: string }) => i.agentId === AGENTS[0]);
      expect(unfiltered.loggedInSeconds).to.equal(DAYS.length * 12 * 3600);
    });

    it('regions, dispositions, the heat map, the abandoned list and FCR take the filter', async () => {
      const regions = await get(`/api/reports/regions?${range}&${FILTER}`);
      expect(regions.items.reduce((s: number, i: { offered: number }) => s + i.offered, 0)).to.equal(calls(sub));
      const disp = await get(`/api/reports/dispositions?${range}&${FILTER}`);
      const want = new Map<string, number>();
      for (const l of sub.filter((x) => x.outcome === 'answered')) want.set(`${l.queue}|${l.disposition}`, (want.get(`${l.queue}|${l.disposition}`) ?? 0) + 1);
      expect(new Map(disp.items.map((i: { queue: string; code: string; calls: number }) => [`${i.queue}|${i.code}`, i.calls]))).to.deep.equal(want);
      const heat = await get(`/api/reports/heatmap?${range}&${FILTER}`);
      const cells = new Map<string, Leg[]>();
      for (const l of sub) cells.set(`${WEEKDAY[l.date]}|${Number(l.time.slice(0, 2))}`, [...(cells.get(`${WEEKDAY[l.date]}|${Number(l.time.slice(0, 2))}`) ?? []), l]);
      expect(new Map(heat.items.map((i: { weekday: number; hour: number; offered: number }) => [`${i.weekday}|${i.hour}`, i.offered]))).to.deep.equal(new Map([...cells].map(([k, ls]) => [k, calls(ls)])));
      const ab = await get(`/api/reports/abandoned?${range}&${FILTER}&limit=500`);
      const abandoned = sub.filter((l) => l.outcome === 'abandoned');
      expect(ab.total).to.equal(abandoned.length);
      expect(ab.items.map((i: { callerNumber: string }) => i.callerNumber).sort()).to.deep.equal(abandoned.map((l) => l.caller).sort());
      // FCR: the answered calls of the filtered hours, judged against every later call of the number (at any hour) within 24 h.
      const fcr = await get(`/api/reports/fcr?${range}&${FILTER}`);
      const byCall = new Map<string, { caller: string; at: number; answered: boolean }>();
      for (const l of all) {
        const c = byCall.get(l.uniqueid) ?? { caller: l.caller, at: l.at, answered: false };
        c.at = Math.min(c.at, l.at);
        c.answered ||= l.outcome === 'answered';
        byCall.set(l.uniqueid, c);
      }
      const judged = [...byCall.entries()].filter(([u, c]) => c.answered && sub.some((l) => l.uniqueid === u && l.at === c.at)).map(([, c]) => c);
      const resolved = judged.filter((c) => ![...byCall.values()].some((o) => o.caller === c.caller && o.at > c.at && o.at - c.at <= 24 * 3_600_000));
      expect([fcr.answered, fcr.resolved]).to.deep.equal([judged.length, resolved.length]);
      expect(judged.length - resolved.length, 'a repeat caller is not resolved').to.be.greaterThan(0);
    });

    it('the drill-down lists the filtered calls, of the range and of a day', async () => {
      const list = await get(`/api/reports/calls?${range}&${FILTER}&figure=offered&limit=500`);
      expect(list.total).to.equal(sub.length);
      const day = await get(`/api/reports/calls?${range}&${FILTER}&figure=abandoned&interval=day&period=2025-11-03&limit=500`);
      expect(day.items.map((i: { callerNumber: string }) => i.callerNumber).sort()).to.deep.equal(sub.filter((l) => l.date === '2025-11-03' && l.outcome === 'abandoned').map((l) => l.caller).sort());
      // A weekend day has no calls in the filter.
      expect((await get(`/api/reports/calls?${range}&${FILTER}&figure=offered&interval=day&period=2025-11-01`)).total).to.equal(0);
    });

    it('every report states the filter, in both languages, on screen and in the .xlsx', async () => {
      for (const kind of ['summary', 'queues', 'agents', 'regions', 'dispositions', 'heatmap', 'abandoned', 'fcr']) {
        const en = await get(`/api/reports/${kind}?${range}&${FILTER}&skillGroups=service`);
        expect(en.definitions.statements.find((s: { key: string }) => s.key === 'filter')?.text, kind).to.include('Weekdays Mon–Fri, 08:00–18:00 (local time in America/New_York)').and.include('skill group service (queues support, vip)');
        const zh = await get(`/api/reports/${kind}?${range}&${FILTER}&locale=zh-CN`);
        expect(zh.definitions.statements.find((s: { key: string }) => s.key === 'filter')?.text, kind).to.include('仅周一至周五，08:00–18:00（America/New_York 当地时间）');
      }
      const res = await api<Buffer>(hotline.url, 'GET', `/api/reports/summary/export.xlsx?${range}&${FILTER}&locale=en`);
      expect(res.status).to.equal(200);
      const { ExcelJS } = await import('../../app/io/exceljs.js');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as never);
      const texts: string[] = [];
      wb.getWorksheet('Definitions')!.eachRow((row) => texts.push(String(row.getCell(2).value)));
      expect(texts.join('\n')).to.include('Weekdays Mon–Fri, 08:00–18:00');
      // The export's figures are the filtered ones.
      let total: unknown[] = [];
      wb.worksheets[0]!.eachRow((row) => { if (row.getCell(1).value === 'Total') total = (row.values as unknown[]).slice(1); });
      expect(total[1]).to.equal(calls(sub));
    });

    it('the IVR funnel counts the calls that started in the filtered hours', async () => {
      const created = await api(hotline.url, 'POST', '/api/ivr/flows', { name: 'flt-flow', definition: { entry: 'main', language: 'en', nodes: {
        main: { type: 'menu', name: 'Main', prompt: { sound: 'digits/1' }, options: { '1': 'sales' }, timeoutMs: 5000, retries: 0, onExhausted: 'sales', bargeIn: true },
        sales: { type: 'queue', queue: 'sales' },
      } } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      // One call at each local time of each day; the filter keeps those of Mon–Fri 08:00–18:00.
      const started = DAYS.flatMap((date) => TIMES.map((time) => ({ date, time, at: Date.parse(`${date}T${time}:00${offset(date)}`) })));
      for (const [i, c] of started.entries()) {
        const at = kind === 'sqlite' ? new Date(c.at).toISOString().replace('T', ' ').replace('Z', '') : new Date(c.at);
        const end = kind === 'sqlite' ? new Date(c.at + 9000).toISOString().replace('T', ' ').replace('Z', '') : new Date(c.at + 9000);
        await db.exec(
          'INSERT INTO call_records (id, channel_id, caller_number, called_number, flow, started_at, answered_at, ended_at, duration_ms, outcome, digits, ivr_path, handled_by, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [randomUUID(), `flt-ivr-${i}`, '13800138000', '6001', 'flt-flow', at, at, end, 9000, 'handed_off', '', JSON.stringify([{ step: 'main' }, { step: 'sales' }]), 'test', 'hotline'],
        );
      }
      const want = started.filter((c) => WEEKDAY[c.date]! <= 5 && minuteOf(c.time) >= 480 && minuteOf(c.time) < 1080).length;
      const f = await get(`/api/reports/ivr?flow=flt-flow&${range}&${FILTER}`);
      expect([f.calls, f.nodes[0].reached]).to.deep.equal([want, want]);
      expect(f.statements.find((x: { key: string }) => x.key === 'filter').text).to.include('Weekdays Mon–Fri, 08:00–18:00');
      expect((await get(`/api/reports/ivr?flow=flt-flow&${range}`)).calls).to.equal(started.length);
    });

    it('refuses bad filter values with a 400 naming the field, and no report', async () => {
      for (const [q, field, message] of [
        ['weekdays=0', 'weekdays', /not a weekday \(1 = Monday … 7 = Sunday\): 0/],
        ['weekdays=1,8', 'weekdays', /not a weekday .*: 8/],
        ['weekdays=Mon', 'weekdays', /not a weekday .*: Mon/],
        ['dayStart=08:10', 'dayStart', /15-minute boundary/],
        ['dayStart=8:00', 'dayStart', /HH:MM/],
        ['dayEnd=25:00', 'dayEnd', /15-minute boundary/],
        ['dayStart=24:00', 'dayStart', /not a start of day/],
        ['dayStart=18:00&dayEnd=08:00', 'dayEnd', /must be after its start \(18:00\)/],
        ['dayStart=10:00&dayEnd=10:00', 'dayEnd', /must be after its start/],
        ['skillGroups=nope', 'skillGroups', /unknown skill group \(no queue has it\): nope/],
        ['skillGroups=presales&queues=billing', 'skillGroups', /none of the queues billing is in the skill group presales/],
      ] as const) {
        for (const path of [`/api/reports/summary?${range}&${q}`, `/api/reports/calls?${range}&figure=offered&${q}`, `/api/reports/queues/export.xlsx?${range}&${q}`]) {
          const res = await api(hotline.url, 'GET', path);
          expect(res.status, path).to.equal(400);
          expect(res.body.error.message, path).to.include(field).and.match(message);
          expect(Object.keys(res.body), path).to.deep.equal(['error']);
        }
      }
      const ivr = await api(hotline.url, 'GET', `/api/reports/ivr?flow=none&${range}&weekdays=9`);
      expect([ivr.status, ivr.body.error.message]).to.satisfy(([s, m]: [number, string]) => s === 400 && m.includes('weekdays'));
    });
  });
}
