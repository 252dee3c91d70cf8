// npm run bench:failover — hot standby takeover time over repeated kill -9 of the active
// node: from the kill to the new active node's first ARI command on the calls in the app
// (it lists and takes them: GET /applications), with 5 callers waiting in an IVR menu the
// whole time. Real Asterisk, real MariaDB, two Hotline nodes.
import { publishFlow } from '../test/support/api.js';
import { createTestDb } from '../test/support/db.js';
import { startHotline, type HotlineProcess } from '../test/support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../test/support/pbx.js';
import { startCall } from '../test/support/sipp.js';

const KILLS = Number(process.env.BENCH_FAILOVER_KILLS ?? 20);
const CALLS = 5;

const flow = {
  entry: 'm',
  nodes: {
    m: { type: 'menu', prompt: { sound: 'hello-world' }, options: { '1': 'bye' }, timeoutMs: 60000, retries: 0, onExhausted: 'bye' },
    bye: { type: 'hangup', prompt: { sound: 'goodbye' } },
  },
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main(): Promise<void> {
  ensurePbx();
  const db = await createTestDb('mariadb');
  const env = (name: string) => ({ ...db.env, HOTLINE_HA_ENABLED: 'true', HOTLINE_NODE_NAME: name });
  const role = async (h: HotlineProcess) => (await h.health().catch(() => ({ body: {} as any }))).body?.role;
  let active = await startHotline(env('node-0'));
  await waitUntil('first node active', async () => (await role(active)) === 'active');
  let standby = await startHotline(env('node-1'), { waitForPbx: false });
  await waitUntil('second node standby', async () => (await role(standby)) === 'standby');
  await publishFlow(active.url, 'failover-bench', flow, ['6300']);
  const callers = await startCall({ scenario: 'uac-wait-bye', service: '6300', caller: '5556300', hangupAfterMs: 600_000, calls: CALLS, rate: 10, limit: CALLS, recvTimeoutMs: 700_000 });
  await callers.waitFor('ANSWERED', 15_000, CALLS);
  const times: number[] = [];
  try {
    for (let i = 0; i < KILLS; i++) {
      const seen = standby.logLines().length;
      const killedAt = Date.now();
      await active.stop('SIGKILL');
      const line = await waitUntil('the standby to take the calls', () =>
        standby.logLines().slice(seen).find((l) => l.msg === 'ARI: recovering channels already in the app'), 15_000);
      times.push((line.time as number) - killedAt);
      process.stdout.write(`kill ${i + 1}: ${times.at(-1)} ms (${line.count} calls taken)\n`);
      const next = await startHotline(env(`node-${i + 2}`), { waitForPbx: false });
      await waitUntil('the restarted node to stand by', async () => (await role(next)) === 'standby');
      active = standby;
      standby = next;
    }
  } finally {
    await callers.stop().catch(() => undefined);
    await active.stop('SIGKILL');
    await standby.stop('SIGKILL');
    hangupAll();
    await db.drop();
  }
  process.stdout.write(
    [
      '',
      `| takeover after kill -9 (${times.length} kills, ${CALLS} calls in an IVR menu) | ms |`,
      '|---|---|',
      `| p50 | ${percentile(times, 50)} |`,
      `| p99 | ${percentile(times, 99)} |`,
      `| max | ${Math.max(...times)} |`,
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
