// Outbound campaigns through the real API (docs/api/campaigns.md) on SQLite and MariaDB, without
// calls (the calls: campaigns-calls.test.ts): the definition's validation and moves, contacts
// added by hand, from .xlsx and .csv (Chinese headers, the list's own columns, all or nothing,
// any spelling of a phone once), from the CRM by tag; agents taking contacts (two at once never
// the same one), holds that run out, release, results (final, not final, callback for the same
// agent), the report and the export read back.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { api, tokenOf } from '../support/api.js';
import { userToken } from '../support/acd.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import { startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const definition = (over: Record<string, unknown> = {}) => ({
  title: '续费回访',
  queue: 'camp-q',
  script: '您好，这里是客服中心……',
  results: [
    { code: 'renewed', label: '已续费', final: true, success: true },
    { code: 'refused', label: '拒绝', final: true, success: false },
    { code: 'think', label: '考虑中', final: false },
  ],
  // Every day, all day but the last minute (UTC).
  callingHours: { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59', timezone: 'UTC' },
  maxAttempts: 2,
  retryMinutes: 30,
  holdMinutes: 15,
  ...over,
});

for (const kind of DB_KINDS) {
  describe(`outbound campaigns through the API (${kind})`, function () {
    this.timeout(90_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let a1: { id: string; token: string; agentId: string };
    let a2: { id: string; token: string; agentId: string };
    let outsider: { id: string; token: string };
    let reader: { id: string; token: string };
    const call = (method: string, path: string, body?: unknown, token?: string) => api(hotline.url, method, `/api${path}`, body, token);
    const ok = async (method: string, path: string, body?: unknown, token?: string, status = 200) => {
      const r = await call(method, path, body, token);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).to.equal(status);
      return r.body;
    };
    const upload = async (name: string, body: Buffer | string, type: string, query = '') => {
      const res = await fetch(`${hotline.url}/api/campaigns/${name}/contacts/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(hotline.url)}`, 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
      return { status: res.status, body: await res.json() };
    };
    const multipart = async (name: string, file: Buffer, fileName: string, type: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file)], { type }), fileName);
      const res = await fetch(`${hotline.url}/api/campaigns/${name}/contacts/import`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(hotline.url)}` }, body: form });
      return { status: res.status, body: await res.json() };
    };
    const agentUser = async (username: string, skills: Record<string, number>) => {
      const u = await userToken(hotline.url, username, 'agent');
      const a = await ok('POST', '/acd/agents', { name: username, endpoint: `acd-${username}`, contact: `sip:${username}@127.0.0.1:5999`, skills, userId: u.id }, undefined, 201);
      return { ...u, agentId: a.id as string };
    };
    const total = async (name: string) => (await ok('GET', `/campaigns/${name}`)).counts.total as number;

    before(async () => {
      db = await createTestDb(kind);
      hotline = await startHotlineWithoutPbx(db.env);
      await ok('POST', '/acd/queues', { name: 'camp-q', settings: { skills: { camp: 1 } } }, undefined, 201);
      a1 = await agentUser('camp-a1', { camp: 5 });
      a2 = await agentUser('camp-a2', { camp: 5 });
      outsider = await agentUser('camp-other', { other: 5 });
      reader = await userToken(hotline.url, 'camp-reader', 'readonly');
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('validates the definition (400, 409, 422), moves the status, and keeps a result contacts have', async () => {
      const bad = await call('POST', '/campaigns', { name: 'bad', ...definition({ results: [{ code: 'think', label: 'x', final: false }] }) });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('validation_failed');
      expect((await call('POST', '/campaigns', { name: '-bad', ...definition() })).status).to.equal(400);
      const unknown = await call('POST', '/campaigns', { name: 'noq', ...definition({ queue: 'nope' }) });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([422, 'unknown_queue']);
      expect((await call('POST', '/campaigns', { name: 'ro', ...definition() }, reader.token)).status).to.equal(403);
      const c = await ok('POST', '/campaigns', { name: 'renew', ...definition() }, undefined, 201);
      expect(c).to.deep.include({ name: 'renew', status: 'draft', maxAttempts: 2 });
      expect(c.counts).to.deep.equal({ total: 0, pending: 0, reserved: 0, done: 0, unreached: 0, blocked: 0, cancelled: 0 });
      const again = await call('POST', '/campaigns', { name: 'renew', ...definition() });
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'campaign_exists']);
      const empty = await call('POST', '/campaigns/renew/status', { status: 'running' });
      expect([empty.status, empty.body.error.code]).to.deep.equal([409, 'no_contacts']);
      const move = await call('POST', '/campaigns/renew/status', { status: 'paused' });
      expect([move.status, move.body.error.code]).to.deep.equal([409, 'bad_transition']);
      const put = await ok('PUT', '/campaigns/renew', definition({ title: '续费回访 2027' }));
      expect(put.title).to.equal('续费回访 2027');
      expect((await ok('GET', '/campaigns', undefined, reader.token)).items.map((x: { name: string }) => x.name)).to.include('renew');
      expect((await call('GET', '/campaigns/none')).body.error.code).to.equal('campaign_not_found');
    });

    it('adds contacts by hand: any spelling of a phone once; a bad phone refuses the list', async () => {
      const refused = await call('POST', '/campaigns/renew/contacts', { contacts: [{ phone: '13800138001' }, { phone: 'call me' }] });
      expect([refused.status, refused.body.error.code]).to.deep.equal([400, 'validation_failed']);
      expect(JSON.stringify(refused.body.error)).to.contain('contacts.1.phone');
      expect(await total('renew')).to.equal(0);
      const out = await ok('POST', '/campaigns/renew/contacts', { contacts: [
        { phone: '13800138001', name: '张三', fields: { 套餐: '金卡' } },
        { phone: '+86 138 0013 8001', name: 'again' },
        { phone: '13800138002', name: '李四' },
      ] });
      expect(out.added).to.equal(2);
      expect(out.duplicates).to.deep.equal([{ index: 1, phone: '+86 138 0013 8001', sameAs: 0 }]);
      const later = await ok('POST', '/campaigns/renew/contacts', { contacts: [{ phone: '008613800138002' }] });
      expect(later.added).to.equal(0);
      expect(later.duplicates[0].sameAs).to.be.a('string');
    });

    it('imports .xlsx and .csv (Chinese headers, own columns), all or nothing; dry run; a DTD refused', async () => {
      const good = await xlsx([['电话', '姓名', '城市', '到期日'], ['13900139001', '王五', '上海', '2027-01-01'], ['139 0013 9002', '赵六', '北京', ''], ['+8613900139001', '王五 again', '', '']]);
      const dry = await upload('renew', good, XLSX, '?dryRun=true');
      expect(dry.status, JSON.stringify(dry.body)).to.equal(200);
      expect(dry.body).to.deep.include({ added: 2, rows: 3, dryRun: true });
      expect(await total('renew')).to.equal(2);
      const done = await multipart('renew', good, '名单.xlsx', XLSX);
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body).to.deep.include({ added: 2, rows: 3, dryRun: false });
      expect(done.body.duplicates).to.deep.equal([{ row: 4, phone: '+8613900139001', sameAs: 2 }]);
      const listed = await ok('GET', '/campaigns/renew/contacts?q=王五');
      expect(listed.items[0]).to.deep.include({ phone: '13900139001', name: '王五', status: 'pending' });
      expect(listed.items[0].fields).to.deep.equal({ 城市: '上海', 到期日: '2027-01-01' });

      const badRows = await upload('renew', '手机号,客户姓名,备注\n13700137001,甲,x\nnot-a-phone,乙,y\n,丙,z\n', 'text/csv');
      expect([badRows.status, badRows.body.error.code]).to.deep.equal([400, 'import_invalid']);
      expect(badRows.body.error.details.rows.map((r: { row: number }) => r.row)).to.deep.equal([3, 4]);
      expect(await total('renew')).to.equal(4);
      const csv = await upload('renew', '手机号,客户姓名,备注\n13700137001,甲,x\n', 'text/csv');
      expect(csv.body).to.deep.include({ added: 1, rows: 1 });
      expect(await total('renew')).to.equal(5);

      const zip = await JSZip.loadAsync(await xlsx([['电话'], ['13600136001']]));
      const wbXml = await zip.file('xl/workbook.xml')!.async('string');
      zip.file('xl/workbook.xml', wbXml.replace('?>', '?><!DOCTYPE workbook SYSTEM "http://127.0.0.1:9/x.dtd">'));
      const dtd = await upload('renew', await zip.generateAsync({ type: 'nodebuffer' }), XLSX);
      expect([dtd.status, dtd.body.error.code], 'as the customer import refuses it').to.deep.equal([422, 'dtd_not_allowed']);
      expect(await total('renew')).to.equal(5);
    });

    it('adds the CRM customers with a tag (their first phone; those without a phone counted)', async () => {
      await ok('POST', '/customers', { name: '老客户甲', phones: ['13500135001', '13500135009'], tags: ['vip-renew'] }, undefined, 201);
      await ok('POST', '/customers', { name: '老客户乙', phones: ['13500135002'], tags: ['vip-renew'] }, undefined, 201);
      await ok('POST', '/customers', { name: '没有电话', phones: [], emails: ['x@example.com'], tags: ['vip-renew'] }, undefined, 201);
      await ok('POST', '/customers', { name: '别的', phones: ['13500135003'], tags: ['other'] }, undefined, 201);
      const out = await ok('POST', '/campaigns/renew/contacts/from-customers', { tag: 'vip-renew' });
      expect(out).to.deep.include({ added: 2, withoutPhone: 1 });
      expect(await total('renew')).to.equal(7);
      const listed = await ok('GET', '/campaigns/renew/contacts?q=13500135001');
      expect(listed.items[0].customerId).to.be.a('string');
    });

    it('two agents asking at once never get the same contact; a reload gives the held one; outsiders and closed hours refused', async () => {
      const notRunning = await call('POST', '/campaigns/renew/next', undefined, a1.token);
      expect([notRunning.status, notRunning.body.error.code]).to.deep.equal([409, 'campaign_not_running']);
      await ok('POST', '/campaigns/renew/status', { status: 'running' });
      const outside = await call('POST', '/campaigns/renew/next', undefined, outsider.token);
      expect([outside.status, outside.body.error.code]).to.deep.equal([403, 'not_in_campaign']);
      const [x, y] = await Promise.all([ok('POST', '/campaigns/renew/next', undefined, a1.token), ok('POST', '/campaigns/renew/next', undefined, a2.token)]);
      expect(x.contact.id).to.not.equal(y.contact.id);
      expect(x.contact).to.deep.include({ status: 'reserved', agentId: a1.agentId });
      // The two added first (all are due since they were added), whoever won the race for the first.
      expect([x.contact.phone, y.contact.phone].sort()).to.deep.equal(['13800138001', '13800138002']);
      expect(y.contact.agentId).to.equal(a2.agentId);
      expect((await ok('POST', '/campaigns/renew/next', undefined, a1.token)).contact.id, 'the held one again').to.equal(x.contact.id);
      const mine = await ok('GET', '/campaigns/mine', undefined, a1.token);
      expect(mine.items[0]).to.deep.include({ name: 'renew', open: true });
      expect(mine.items[0].holding.id).to.equal(x.contact.id);
      expect((await call('GET', `/campaigns/renew/contacts/${y.contact.id}`, undefined, a1.token)).status, "another's contact").to.equal(409);
      const counts = (await ok('GET', '/campaigns/renew')).counts;
      expect(counts).to.deep.include({ total: 7, reserved: 2, pending: 5 });
      // Closed hours: no contact handed out, and when they open said.
      await ok('PUT', '/campaigns/renew', definition({ callingHours: { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '00:01', timezone: 'Pacific/Kiritimati' } }));
      const closed = await call('POST', '/campaigns/renew/next', undefined, a1.token);
      expect(closed.status).to.equal(200);
      const released = await ok('POST', `/campaigns/renew/contacts/${x.contact.id}/release`, undefined, a1.token);
      expect(released).to.deep.include({ status: 'pending', agentId: null });
      const shut = await call('POST', '/campaigns/renew/next', undefined, a1.token);
      expect([shut.status, shut.body.error.code]).to.deep.equal([409, 'outside_calling_hours']);
      expect(Date.parse(shut.body.error.details.opensAt)).to.be.greaterThan(Date.now());
      await ok('PUT', '/campaigns/renew', definition());
      // Many at once: all different.
      const many = await Promise.all([a1, a2, a1, a2].map((a) => ok('POST', '/campaigns/renew/next', undefined, a.token)));
      const byAgent = new Map(many.map((m) => [m.contact.agentId, m.contact.id]));
      expect(byAgent.size).to.equal(2);
      for (const m of many) expect(m.contact.id).to.equal(byAgent.get(m.contact.agentId));
    });

    it('a hold that ran out is free for another; results final, not final, callback back to the same agent', async () => {
      const held1 = (await ok('POST', '/campaigns/renew/next', undefined, a1.token)).contact;
      await db.exec('UPDATE campaign_contacts SET reserved_until = ? WHERE id = ?', ['2000-01-01 00:00:00.000', held1.id]);
      expect((await ok('GET', `/campaigns/renew/contacts/${held1.id}`)).status).to.equal('pending');
      const held2 = (await ok('POST', '/campaigns/renew/next', undefined, a2.token)).contact;
      const taken = (await ok('POST', '/campaigns/renew/next', undefined, a1.token)).contact;
      // a1's ran-out contact went to whoever asked first; a1 got one too, a2 kept theirs.
      expect([held2.id, taken.id]).to.include(held1.id);
      const late = await call('POST', `/campaigns/renew/contacts/${held2.id}/result`, { result: 'renewed' }, a1.token);
      expect([late.status, late.body.error.code]).to.deep.equal([409, 'not_yours']);
      const unknown = await call('POST', `/campaigns/renew/contacts/${taken.id}/result`, { result: 'sold' }, a1.token);
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, 'unknown_result']);
      const past = await call('POST', `/campaigns/renew/contacts/${taken.id}/result`, { result: 'callback', callbackAt: new Date(Date.now() - 60_000).toISOString() }, a1.token);
      expect(past.status).to.equal(400);

      const done = await ok('POST', `/campaigns/renew/contacts/${taken.id}/result`, { result: 'renewed', note: '续了一年' }, a1.token);
      expect(done).to.deep.include({ status: 'done', result: 'renewed', resultLabel: '已续费', note: '续了一年', agentId: a1.agentId });
      const think = await ok('POST', `/campaigns/renew/contacts/${held2.id}/result`, { result: 'think' }, a2.token);
      expect(think).to.deep.include({ status: 'pending', result: 'think' });
      expect(Date.parse(think.nextAttemptAt) - Date.now()).to.be.within(29 * 60_000, 31 * 60_000);
      const inUse = await call('PUT', '/campaigns/renew', definition({ results: [{ code: 'refused', label: '拒绝', final: true }] }));
      expect([inUse.status, inUse.body.error.code]).to.deep.equal([409, 'result_in_use']);
      expect(JSON.stringify(inUse.body.error.details)).to.contain('renewed');
      const doneAgain = await call('DELETE', `/campaigns/renew/contacts/${taken.id}`);
      expect([doneAgain.status, doneAgain.body.error.code]).to.deep.equal([409, 'contact_done']);

      // A callback in 2 s: kept for a2, who gets it first once due.
      const cb = (await ok('POST', '/campaigns/renew/next', undefined, a2.token)).contact;
      const at = new Date(Date.now() + 2000).toISOString();
      expect(await ok('POST', `/campaigns/renew/contacts/${cb.id}/result`, { result: 'callback', callbackAt: at, note: '下午再打' }, a2.token)).to.deep.include({ status: 'pending', result: 'callback' });
      const other = (await ok('POST', '/campaigns/renew/next', undefined, a1.token)).contact;
      expect(other.id).to.not.equal(cb.id);
      await sleep(2200);
      const back = (await ok('POST', '/campaigns/renew/next', undefined, a2.token)).contact;
      expect(back.id).to.equal(cb.id);
      const supervised = await ok('POST', `/campaigns/renew/contacts/${back.id}/result`, { result: 'refused' });
      expect(supervised.status).to.equal('done');
      await ok('DELETE', `/campaigns/renew/contacts/${other.id}`, undefined, undefined, 204);
    });

    it('a hold that ran out after a connected call without a result: no_result, and the contact is free again', async () => {
      const held = (await ok('POST', '/campaigns/renew/next', undefined, a1.token)).contact;
      const at = new Date(Date.now() - 120_000).toISOString().replace('T', ' ').replace('Z', '');
      // The call as the PBX's events leave it: placed, answered, 30 s of talk, no result yet.
      await db.exec("INSERT INTO campaign_attempts (id, campaign_id, contact_id, agent_id, agent_name, channel_id, requested_at, placed_at, ended_at, dial_status, talk_seconds, result, note) SELECT ?, campaign_id, id, agent_id, 'camp-a1', ?, ?, ?, ?, 'ANSWER', 30, NULL, '' FROM campaign_contacts WHERE id = ?", ['00000000-0000-4000-8000-000000000001', 'hotline-out-test-1', at, at, at, held.id]);
      await db.exec('UPDATE campaign_contacts SET attempts = 1, reserved_until = ? WHERE id = ?', ['2000-01-01 00:00:00.000', held.id]);
      const other = (await ok('POST', '/campaigns/renew/next', undefined, a2.token)).contact;
      const after = await ok('GET', `/campaigns/renew/contacts/${held.id}`);
      expect(after).to.deep.include({ result: 'no_result', resultLabel: 'No result', attempts: 1 });
      expect(after.attemptsList[0]).to.deep.include({ dialStatus: 'ANSWER', result: 'no_result', talkSeconds: 30 });
      if (other.id !== held.id) expect(after.status).to.equal('pending');
      await ok('POST', `/campaigns/renew/contacts/${other.id}/release`, undefined, a2.token);
    });

    it('a blocked number is never handed out: the contact becomes blocked', async () => {
      await ok('POST', '/blocked-numbers', { number: '13300133001', reason: '投诉骚扰' }, undefined, 201);
      await ok('POST', '/campaigns', { name: 'blk', ...definition() }, undefined, 201);
      await ok('POST', '/campaigns/blk/contacts', { contacts: [{ phone: '+86 133 0013 3001', name: '别打' }, { phone: '13300133002', name: '可以打' }] });
      await ok('POST', '/campaigns/blk/status', { status: 'running' });
      const next = await ok('POST', '/campaigns/blk/next', undefined, a1.token);
      expect(next.contact).to.deep.include({ phone: '13300133002' });
      expect((await ok('GET', '/campaigns/blk')).counts).to.deep.include({ blocked: 1, reserved: 1 });
      await ok('POST', '/campaigns/blk/status', { status: 'finished' });
      const late = await call('POST', '/campaigns/blk/contacts', { contacts: [{ phone: '13300133003' }] });
      expect([late.status, late.body.error.code]).to.deep.equal([409, 'campaign_finished']);
      const tagged = await call('POST', '/campaigns/blk/contacts/from-customers', { tag: 'vip-renew' });
      expect([tagged.status, tagged.body.error.code]).to.deep.equal([409, 'campaign_finished']);
      const missing = await upload('none', '电话\n13300133004\n', 'text/csv');
      expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'campaign_not_found']);
    });

    it('dial refusals: another agent\'s contact (not_yours), a number blocked after it was taken (number_blocked, the contact blocked), a PBX that cannot place the call (no attempt left behind)', async () => {
      await ok('POST', '/campaigns', { name: 'dl', ...definition() }, undefined, 201);
      await ok('POST', '/campaigns/dl/contacts', { contacts: [{ phone: '13300133101', name: '甲' }, { phone: '13300133102', name: '乙' }] });
      await ok('POST', '/campaigns/dl/status', { status: 'running' });
      const first = (await ok('POST', '/campaigns/dl/next', undefined, a1.token)).contact;
      const theirs = await call('POST', `/campaigns/dl/contacts/${first.id}/dial`, undefined, a2.token);
      expect([theirs.status, theirs.body.error.code]).to.deep.equal([409, 'not_yours']);

      // No Asterisk here: the dial cannot be placed; the attempt it wrote first is taken back.
      const down = await call('POST', `/campaigns/dl/contacts/${first.id}/dial`, undefined, a1.token);
      expect(down.status, JSON.stringify(down.body)).to.be.within(500, 503);
      expect(down.body.error.code).to.not.equal('internal');
      const still = await ok('GET', `/campaigns/dl/contacts/${first.id}`);
      expect(still).to.deep.include({ status: 'reserved', attempts: 0 });
      expect(still.attemptsList).to.deep.equal([]);

      await ok('POST', '/blocked-numbers', { number: first.phone, reason: '要求不再来电' }, undefined, 201);
      const blocked = await call('POST', `/campaigns/dl/contacts/${first.id}/dial`, undefined, a1.token);
      expect([blocked.status, blocked.body.error.code]).to.deep.equal([409, 'number_blocked']);
      expect((await ok('GET', `/campaigns/dl/contacts/${first.id}`)).status).to.equal('blocked');
      expect((await ok('GET', '/campaigns/dl')).counts).to.deep.include({ blocked: 1, reserved: 0, pending: 1 });
    });

    it('reports the figures and exports the contacts (read back)', async () => {
      const report = await ok('GET', '/campaigns/renew/report', undefined, reader.token);
      expect(report.counts).to.deep.include({ total: 7, done: 2, cancelled: 1 });
      expect(report).to.deep.include({ attempts: 1, connected: 1, connectRate: 1, talkSeconds: 30, done: 2, success: 1, successRate: 0.5 });
      expect(report.results).to.deep.include({ code: 'think', label: '考虑中', count: 1 });
      const agent1 = report.agents.find((a: { agentId: string }) => a.agentId === a1.agentId);
      expect(agent1).to.deep.include({ done: 1, success: 1 });
      const res = await call('GET', '/campaigns/renew/export.xlsx?locale=zh-CN');
      expect(res.status).to.equal(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as ArrayBuffer);
      const rows: unknown[][] = [];
      wb.worksheets[0]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
      expect(rows[0]!.slice(0, 8)).to.deep.equal(['电话', '姓名', '状态', '结果', '备注', '呼叫次数', '最后坐席', '最后呼叫']);
      expect(rows[0]).to.include('城市');
      expect(rows).to.have.length(8);
      const renewed = rows.find((r) => r[3] === '已续费')!;
      expect(renewed[2]).to.equal('已完成');
      expect((await call('GET', '/campaigns/renew/export.xlsx', undefined, reader.token)).status).to.equal(403);
      const audit = (await ok('GET', '/audit?limit=100')).items as Array<{ action: string; target: string }>;
      const actions = new Set(audit.filter((e) => e.target === 'campaign:renew').map((e) => e.action));
      for (const a of ['campaign.create', 'campaign.update', 'campaign.status', 'campaign.contacts', 'campaign.contact.cancel', 'campaign.export']) expect(actions, a).to.include(a);
      // A running campaign is not deleted; paused it is, with its contacts.
      expect((await call('DELETE', '/campaigns/renew')).body.error.code).to.equal('campaign_running');
      await ok('POST', '/campaigns/renew/status', { status: 'paused' });
      await ok('DELETE', '/campaigns/renew', undefined, undefined, 204);
      expect(await db.query("SELECT c.id FROM campaign_contacts c JOIN campaigns k ON k.id = c.campaign_id WHERE k.name = 'renew'")).to.have.length(0);
      expect(await db.query("SELECT id FROM campaign_attempts WHERE channel_id = 'hotline-out-test-1'")).to.have.length(0);
    });
  });
}
