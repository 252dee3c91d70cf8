// Blocked numbers (docs/api/blocked-numbers.md) with real calls on the real Asterisk: a blocked
// caller is refused with 403 by the inbound dialplan before any flow runs, in any spelling of the
// number, and the block counts it; a caller not blocked, a block that ended, a block lifted: the
// call goes in. Asterisk's copy (AstDB) lost behind Hotline's back is written again. The API's
// rules (validation, roles, the agent's 30 days, 409, audit) on every database.
import { expect } from 'chai';
import { api, publishFlow } from '../support/api.js';
import { userToken } from '../support/acd.js';
import { createTestDb, DB_KINDS, dbKindsForCalls, type TestDb } from '../support/db.js';
import { startHotline, startHotlineWithoutPbx, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { cli, ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';
import { assertCallsSucceeded, runSipp } from '../support/sipp.js';

const suffix = String(process.pid % 1000).padStart(3, '0');
const DAY = 86_400_000;

interface Block { id: string; number: string; reason: string; until: string | null; active: boolean; createdBy: string; attempts: number; lastAttemptAt: string | null }

const callsByKind = dbKindsForCalls('mariadb');

for (const kind of DB_KINDS) {
  const withCalls = callsByKind.includes(kind);
  describe(`blocked numbers (${kind}${withCalls ? ', real calls' : ''})`, function () {
    this.timeout(60_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let agent: { id: string; token: string };
    let reader: { id: string; token: string };
    const call = (path: string, method = 'GET', body?: unknown, token?: string) => api(hotline.url, method, path, body, token);

    before(async () => {
      if (withCalls) ensurePbx();
      db = await createTestDb(kind);
      // Without calls, without Asterisk: a block is saved and answered while AMI cannot be reached.
      const env = { ...db.env, HOTLINE_BLOCKLIST_SYNC_SECONDS: '1' };
      hotline = withCalls ? await startHotline(env) : await startHotlineWithoutPbx(env);
      agent = await userToken(hotline.url, 'blk-agent', 'agent');
      reader = await userToken(hotline.url, 'blk-reader', 'readonly');
    });
    afterEach(() => {
      if (withCalls) hangupAll();
    });
    after(async () => {
      await stopAllHotlines();
      await db?.drop();
    });

    it('refuses bad input with the field named and stores nothing; roles and the agent\'s 30 days', async () => {
      const bad = async (body: unknown, field: string, token?: string) => {
        const r = await call('/api/blocked-numbers', 'POST', body, token);
        expect(r.status, JSON.stringify(r.body)).to.equal(400);
        expect(r.body.error.code).to.equal('validation_failed');
        expect(JSON.stringify(r.body.error)).to.contain(field);
      };
      await bad({ number: 'call me', reason: 'x' }, 'number');
      await bad({ number: '1234', reason: 'an extension' }, 'number');
      await bad({ number: '13800000001', reason: '   ' }, 'reason');
      await bad({ number: '13800000001', reason: 'line\u0007bell' }, 'reason');
      await bad({ number: '13800000001', reason: 'past', until: new Date(Date.now() - 60_000).toISOString() }, 'until');
      await bad({ number: '13800000001', reason: 'far', until: new Date(Date.now() + 6 * 366 * DAY).toISOString() }, 'until');
      await bad({ number: '13800000001', reason: 'x', colour: 'red' }, 'colour');
      expect((await call('/api/blocked-numbers?state=all')).body.total).to.equal(0);
      expect((await call('/api/blocked-numbers?state=gone')).status).to.equal(400);
      expect((await call('/api/blocked-numbers?q=13a')).status).to.equal(400);
      expect((await call('/api/blocked-numbers/lookup?number=hello')).status).to.equal(400);

      // Agents block for at most 30 days; read-only users do not block.
      const permanent = await call('/api/blocked-numbers', 'POST', { number: '13800000002', reason: 'abusive' }, agent.token);
      expect([permanent.status, permanent.body.error.code]).to.deep.equal([403, 'block_needs_supervisor']);
      const long = await call('/api/blocked-numbers', 'POST', { number: '13800000002', reason: 'abusive', until: new Date(Date.now() + 60 * DAY).toISOString() }, agent.token);
      expect([long.status, long.body.error.code]).to.deep.equal([403, 'block_needs_supervisor']);
      expect((await call('/api/blocked-numbers', 'POST', { number: '13800000002', reason: 'abusive', until: new Date(Date.now() + DAY).toISOString() }, reader.token)).status).to.equal(403);
      const week = await call('/api/blocked-numbers', 'POST', { number: '+86 138-0000-0002', reason: '  Shouted at the agent  ', until: new Date(Date.now() + 7 * DAY).toISOString() }, agent.token);
      expect(week.status, JSON.stringify(week.body)).to.equal(201);
      expect(week.body).to.deep.include({ number: '13800000002', reason: 'Shouted at the agent', createdBy: 'blk-agent', active: true, attempts: 0 });
      // The same number again, in another spelling: 409 naming the block.
      const again = await call('/api/blocked-numbers', 'POST', { number: '008613800000002', reason: 'again' });
      expect([again.status, again.body.error.code, again.body.error.details?.id]).to.deep.equal([409, 'number_already_blocked', week.body.id]);
      // Agents and read-only users do not change or lift blocks; read-only users see them.
      expect((await call(`/api/blocked-numbers/${week.body.id}`, 'PATCH', { reason: 'x' }, agent.token)).status).to.equal(403);
      expect((await call(`/api/blocked-numbers/${week.body.id}`, 'DELETE', undefined, agent.token)).status).to.equal(403);
      const seen = await call('/api/blocked-numbers?q=0000002', 'GET', undefined, reader.token);
      expect(seen.body.items.map((b: Block) => b.number)).to.deep.equal(['13800000002']);
      const lookup = await call(`/api/blocked-numbers/lookup?number=${encodeURIComponent('+86 13800000002')}`, 'GET', undefined, reader.token);
      expect(lookup.body.block?.id).to.equal(week.body.id);
      expect((await call('/api/blocked-numbers/lookup?number=13800000003')).body).to.deep.equal({ block: null });

      // A supervisor (here the admin) makes it permanent with a better reason, then lifts it.
      const patched = await call(`/api/blocked-numbers/${week.body.id}`, 'PATCH', { reason: 'Abusive, three times', until: null });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      expect(patched.body).to.deep.include({ reason: 'Abusive, three times', until: null, active: true });
      expect((await call(`/api/blocked-numbers/${week.body.id}`, 'PATCH', {})).status).to.equal(400);
      expect((await call('/api/blocked-numbers/not-a-uuid', 'DELETE')).status).to.equal(400);
      expect((await call(`/api/blocked-numbers/${week.body.id}`, 'DELETE')).status).to.equal(204);
      expect((await call(`/api/blocked-numbers/${week.body.id}`, 'DELETE')).status).to.equal(404);
      expect((await call('/api/blocked-numbers?state=all')).body.total).to.equal(0);

      const audit = await call('/api/audit?limit=50');
      const actions = (audit.body.items as Array<{ action: string; actor: string; target: string }>).filter((e) => e.target === 'blocked-number:13800000002').map((e) => `${e.actor} ${e.action}`);
      expect(actions).to.have.members(['blk-agent blocklist.add', 'admin blocklist.change', 'admin blocklist.remove']);
    });

    it('a block that ended is listed as ended and can be started again in the same row', async () => {
      const b = await call('/api/blocked-numbers', 'POST', { number: '13800000004', reason: 'short', until: new Date(Date.now() + 1500).toISOString() });
      expect(b.status, JSON.stringify(b.body)).to.equal(201);
      await new Promise((r) => setTimeout(r, 1700));
      expect((await call('/api/blocked-numbers?q=13800000004')).body.total, 'not active any more').to.equal(0);
      const ended = await call('/api/blocked-numbers?q=13800000004&state=ended');
      expect(ended.body.items.map((x: Block) => [x.id, x.active])).to.deep.equal([[b.body.id, false]]);
      const again = await call('/api/blocked-numbers', 'POST', { number: '13800000004', reason: 'again' });
      expect(again.status).to.equal(201);
      expect([again.body.id, again.body.active, again.body.until]).to.deep.equal([b.body.id, true, null]);
      expect((await call(`/api/blocked-numbers/${b.body.id}`, 'DELETE')).status).to.equal(204);
    });

    if (!withCalls) return;

    describe('real calls', () => {
      const BLOCKED = `1390013${suffix}1`;
      const OTHER = `1390013${suffix}2`;
      let blockId = '';
      const block = async () => (await call('/api/blocked-numbers?state=all&q=' + BLOCKED)).body.items[0] as Block;
      const metric = async () => Number(/^hotline_calls_blocked_total (\d+)/m.exec(await (await fetch(`${hotline.url}/metrics`)).text())?.[1] ?? NaN);
      const callsFrom = async (caller: string) => (await call(`/api/calls?caller=${caller}&limit=50`)).body.items.length as number;
      const goesIn = async (caller: string) => assertCallsSucceeded(await runSipp({ scenario: 'uac-wait-bye', service: '6301', caller }));
      const refused = async (caller: string) => assertCallsSucceeded(await runSipp({ scenario: 'uac-refused', service: '6301', caller }));

      before(async () => {
        // A flow the dialplan runs by itself (a prompt, then hang up): a call that gets in is answered and ended by Asterisk.
        await publishFlow(hotline.url, 'blk-hello', { entry: 'hi', nodes: { hi: { type: 'play', prompt: { sound: 'beep' }, next: 'bye' }, bye: { type: 'hangup' } } }, ['6301']);
        const b = await call('/api/blocked-numbers', 'POST', { number: BLOCKED, reason: 'Prank calls every night' });
        expect(b.status, JSON.stringify(b.body)).to.equal(201);
        blockId = b.body.id;
      });

      it('a blocked caller is refused with 403 in every spelling, counted on the block, with no call record; others go in', async () => {
        const before = await metric();
        await refused(BLOCKED);
        await refused(`+86${BLOCKED}`);
        await refused(`0${BLOCKED}`);
        const b = await waitUntil('both refusals counted on the block', async () => {
          const x = await block();
          return x.attempts === 3 ? x : undefined;
        });
        expect(Date.now() - Date.parse(b.lastAttemptAt!)).to.be.lessThan(30_000);
        expect(await metric()).to.equal(before + 3);
        expect(await callsFrom(BLOCKED), 'a refused call never started').to.equal(0);
        await goesIn(OTHER);
        await waitUntil('the other caller\'s call record', async () => (await callsFrom(OTHER)) === 1);
      });

      it('callers who withhold their number: refused with 403 once a supervisor blocks them (an agent may not), counted on that one block; lifted, they go in', async () => {
        const byAgent = await call('/api/blocked-numbers', 'POST', { number: 'withheld', reason: 'No number, rude', until: new Date(Date.now() + DAY).toISOString() }, agent.token);
        expect([byAgent.status, byAgent.body.error?.code]).to.deep.equal([403, 'block_needs_supervisor']);
        await goesIn('anonymous');
        const b = await call('/api/blocked-numbers', 'POST', { number: 'withheld', reason: 'Nuisance calls without a number' });
        expect([b.status, b.body.number], JSON.stringify(b.body)).to.deep.equal([201, 'withheld']);
        try {
          await refused('anonymous');
          await refused('Restricted');
          const counted = await waitUntil('both refusals counted on the withheld block', async () => {
            const x = (await call('/api/blocked-numbers/lookup?number=withheld')).body.block as Block | null;
            return x?.attempts === 2 ? x : undefined;
          });
          expect(counted.id).to.equal(b.body.id);
          await goesIn(OTHER);
        } finally {
          expect((await call(`/api/blocked-numbers/${b.body.id}`, 'DELETE')).status).to.equal(204);
        }
        await goesIn('anonymous');
      });

      it('a block that ended lets the caller in at once, before its copy in Asterisk is removed', async () => {
        const patched = await call(`/api/blocked-numbers/${blockId}`, 'PATCH', { until: new Date(Date.now() + 2500).toISOString() });
        expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
        await refused(BLOCKED);
        await new Promise((r) => setTimeout(r, 2600));
        await goesIn(BLOCKED);
        await waitUntil('its call record', async () => (await callsFrom(BLOCKED)) === 1);
        expect((await block()).attempts).to.equal(4);
        // The copy follows within the sync period (1 s here): the ended block's keys are gone.
        await waitUntil('the ended block gone from AstDB', () => !cli('database show hotline-blocked').includes(BLOCKED), 5000);
      });

      it('Asterisk\'s copy lost behind Hotline\'s back is written again; a lifted block lets the caller in from the answer on', async () => {
        const again = await call(`/api/blocked-numbers/${blockId}`, 'PATCH', { until: null });
        expect(again.body.active).to.equal(true);
        expect(cli('database show hotline-blocked')).to.contain(`n${BLOCKED} `);
        cli('database deltree hotline-blocked');
        await waitUntil('the copy written again', () => cli('database show hotline-blocked').includes(`n+86${BLOCKED}`), 5000);
        await refused(`+86${BLOCKED}`);
        expect((await call(`/api/blocked-numbers/${blockId}`, 'DELETE')).status).to.equal(204);
        await goesIn(`+86${BLOCKED}`);
        expect(cli('database show hotline-blocked')).to.not.contain(BLOCKED);
      });
    });
  });
}
