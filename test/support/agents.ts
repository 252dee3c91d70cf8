// Lab agents: one SIPp UAS per PJSIP endpoint lab-agentN (127.0.0.1:5090+N), answering
// every call the queue rings them with and holding it until the other side hangs up.
// `sipBase` / `mediaBase` move them elsewhere (another PBX's agents: sipBase + N, mediaBase + 4N).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIO_DIR as SCENARIOS, SIPP_NO_WATCHDOG_EXIT } from './sipp.js';

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => (s.close(), resolve(false)));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface Agents {
  stop(): void;
}

/**
 * One lab phone (a sipp UAS on 127.0.0.1:`port`), up once its SIP port is bound. A phone that ends
 * before the test stops it says so on stderr at once, with the end of its error file: a test that
 * then waits for it to answer fails with that line above it, not with a bare timeout.
 */
async function spawnPhone(port: number, args: string[], errorFile: string): Promise<{ child: ChildProcess; stop(): void }> {
  let stopping = false;
  const child = spawn('sipp', [...args, '-i', '127.0.0.1', '-p', String(port), '-nostdin', ...SIPP_NO_WATCHDOG_EXIT, '-trace_err', '-error_file', errorFile], { stdio: 'ignore' });
  let ended: string | undefined;
  child.once('exit', (code, signal) => {
    ended = `code ${code ?? '-'}${signal ? `, ${signal}` : ''}`;
    if (stopping) return;
    let tail = '';
    try {
      tail = readFileSync(errorFile, 'utf8').trim().slice(-600);
    } catch {
      tail = '(no error file)';
    }
    process.stderr.write(`lab phone sipp on 127.0.0.1:${port} ended before the test stopped it (${ended}); ${errorFile}: ${tail}\n`);
  });
  const deadline = Date.now() + 5000;
  while ((await udpFree(port)) && Date.now() < deadline && !ended) await new Promise((r) => setTimeout(r, 50));
  if (ended) throw new Error(`lab phone sipp on 127.0.0.1:${port} did not start (${ended}); see ${errorFile}`);
  return {
    child,
    stop() {
      stopping = true;
      child.kill('SIGKILL');
    },
  };
}

/** The uas-bye scenario with its talk time written in (sipp takes no variable for a recv timeout). */
function hangingUpScenario(talkMs: number): string {
  const file = `/tmp/hotline-uas-bye-${talkMs}.xml`;
  writeFileSync(file, readFileSync(join(SCENARIOS, 'uas-bye.xml'), 'utf8').replaceAll('TALK_MS', String(talkMs)));
  return file;
}

/**
 * `ringMs`: each phone rings this long before it answers (default: answers at once). `first`: the
 * first slot. `hangupAfterMs`: the agent hangs up first, this long after answering (unless the
 * caller did).
 */
export async function startAgents(count: number, opts: { ringMs?: number; hangupAfterMs?: number; first?: number; sipBase?: number; mediaBase?: number } = {}): Promise<Agents> {
  const first = opts.first ?? 1;
  const sipBase = opts.sipBase ?? 5090;
  const mediaBase = opts.mediaBase ?? 30000;
  const phones: Array<{ stop(): void }> = [];
  try {
    for (let i = first; i < first + count; i++) {
      const port = sipBase + i;
      if (!(await udpFree(port))) throw new Error(`lab agent port ${port} is taken (a sipp UAS left running?)`);
      // Media ports above Asterisk's RTP range (20000-29999) and the callers' (14000-19999).
      const scenario = opts.hangupAfterMs ? ['-sf', hangingUpScenario(opts.hangupAfterMs)] : opts.ringMs ? ['-sf', join(SCENARIOS, 'uas-ring.xml'), '-d', String(opts.ringMs)] : ['-sn', 'uas'];
      phones.push(await spawnPhone(port, [...scenario, '-mp', String(mediaBase + i * 4), '-aa'], `/tmp/hotline-agent${sipBase === 5090 ? i : `-${port}`}.err`));
    }
  } catch (err) {
    for (const p of phones) p.stop();
    throw err;
  }
  return {
    stop() {
      for (const p of phones) p.stop();
    },
  };
}

/** A customer's phone (one SIPp UAS on `port`): answers every call and holds it, or is busy (486). */
export async function startPhone(port: number, mode: 'answer' | 'busy'): Promise<Agents> {
  if (!(await udpFree(port))) throw new Error(`phone port ${port} is taken (a sipp UAS left running?)`);
  const scenario = mode === 'busy' ? ['-sf', join(SCENARIOS, 'uas-busy.xml')] : ['-sn', 'uas'];
  const phone = await spawnPhone(port, [...scenario, '-mp', String(30000 + (port % 100) * 4), '-aa'], `/tmp/hotline-phone-${port}.err`);
  return { stop: () => phone.stop() };
}

/**
 * An agent phone on `port` that answers one call, talks `talkMs`, then blind-transfers it with a
 * SIP REFER to `target` (an extension of the agents' dialplan context). `done` settles with
 * sipp's exit code when its leg has ended (0: REFER accepted and the BYE came).
 */
export function startReferringAgent(port: number, target: string, talkMs: number): Promise<OneCallAgent> {
  return startOneCallAgent('uas-refer', port, talkMs, ['-key', 'target', target]);
}

/** An agent phone on `port` that answers one call, talks `talkMs`, holds it 2 s (re-INVITE sendonly), takes it back, and hangs up 1 s later. */
export function startHoldingAgent(port: number, talkMs: number): Promise<OneCallAgent> {
  return startOneCallAgent('uas-hold', port, talkMs, []);
}

export interface OneCallAgent {
  /** sipp's exit code once its one call ended (0: every step of the scenario happened). */
  done: Promise<number | null>;
  stop(): void;
}

async function startOneCallAgent(scenario: string, port: number, talkMs: number, extra: string[]): Promise<OneCallAgent> {
  if (!(await udpFree(port))) throw new Error(`agent port ${port} is taken (a sipp UAS left running?)`);
  const log = `/tmp/hotline-${scenario}-${port}`;
  const args = ['-sf', join(SCENARIOS, `${scenario}.xml`), '-i', '127.0.0.1', '-p', String(port), '-mp', String(30000 + (port % 100) * 4), '-m', '1', '-d', String(talkMs), ...extra, '-nostdin', ...SIPP_NO_WATCHDOG_EXIT, '-trace_err', '-error_file', `${log}.err`, '-trace_msg', '-message_file', `${log}.msg`];
  const child = spawn('sipp', args, { stdio: 'ignore' });
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 5000;
  while ((await udpFree(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return {
    done,
    stop() {
      child.kill('SIGKILL');
    },
  };
}
