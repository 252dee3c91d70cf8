// What else keeps this box busy, read from /proc over a short window: the calls bench measures a
// box whose callers, front, Hotline and Asterisk share two cores, and a run right after a full
// `npm test` once measured a box something else was still using (docs/benchmarks.md). The bench
// logs this before it starts and before each overload step, and keeps it in its results.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export interface BoxLoad {
  /** Share of all CPUs busy over the window, %. */
  busyPercent: number;
  /** The processes that used most CPU over it (% of one CPU), most first. */
  top: { pid: number; name: string; percent: number }[];
  /**
   * A fixed piece of work (SHA-256 over 256 MB, one thread) after the window: its wall time and the
   * CPU time it took (ms). The same work on the same box takes the same CPU time: more CPU time
   * is a slower CPU (the host's clock or share), more wall than CPU time is a CPU taken by others.
   */
  probe: { wallMs: number; cpuMs: number };
}

function speedProbe(): { wallMs: number; cpuMs: number } {
  const chunk = Buffer.alloc(1 << 16, 7);
  const [wall0, cpu0] = [performance.now(), process.cpuUsage()];
  const hash = createHash('sha256');
  for (let i = 0; i < 4096; i++) hash.update(chunk);
  hash.digest();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: Math.round(performance.now() - wall0), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTotals(): { busy: number; all: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  const all = fields.slice(0, 8).reduce((a, b) => a + b, 0); // without guest time, already in user
  return { busy: all - idle, all };
}

function processTicks(): Map<number, { name: string; ticks: number }> {
  const out = new Map<number, { name: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(') ');
      const rest = stat.slice(close + 2).split(' ');
      out.set(Number(entry), { name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(rest[11]) + Number(rest[12]) }); // utime + stime
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

export async function boxLoad(windowMs = 3000, topCount = 5): Promise<BoxLoad> {
  const [cpu0, procs0] = [cpuTotals(), processTicks()];
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const [cpu1, procs1] = [cpuTotals(), processTicks()];
  const top = [...procs1].flatMap(([pid, p]) => {
    const before = procs0.get(pid);
    const used = p.ticks - (before?.ticks ?? 0);
    return before && used > 0 ? [{ pid, name: p.name, percent: Math.round((used / TICKS_PER_SECOND) / (windowMs / 1000) * 1000) / 10 }] : [];
  }).sort((a, b) => b.percent - a.percent).slice(0, topCount);
  const all = cpu1.all - cpu0.all;
  return { busyPercent: all > 0 ? Math.round(((cpu1.busy - cpu0.busy) / all) * 1000) / 10 : 0, top, probe: speedProbe() };
}

/** One line for the log: "box 3.2 % busy (asterisk 2.1 %, node 0.7 %); probe 180 ms (CPU 178 ms)". */
export function describeLoad(l: BoxLoad): string {
  return `box ${l.busyPercent} % busy${l.top.length ? ` (${l.top.map((p) => `${p.name} ${p.pid} ${p.percent} %`).join(', ')})` : ''}; probe ${l.probe.wallMs} ms (CPU ${l.probe.cpuMs} ms)`;
}
