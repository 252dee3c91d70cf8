// Automatic QA signals from the per-leg audio of a recording: who talked when (loudness over a
// threshold, short gaps bridged, blips dropped), then talk ratio per side, silence (nobody
// talks), the longest silence and talk-over (both talk). Pure: PCM in, figures out.
import { levels, type Pcm } from './wav.js';

export interface TalkOptions {
  /** A 50 ms window louder than this (dBFS RMS) is talk. */
  thresholdDb: number;
  /** Quieter gaps shorter than this inside talk are still talk (breaths, stops). */
  bridgeMs: number;
  /** Talk shorter than this is a blip, not talk. */
  minTalkMs: number;
}

export const DEFAULT_TALK: TalkOptions = { thresholdDb: -40, bridgeMs: 400, minTalkMs: 150 };
const WINDOW_MS = 50;

export interface Signals {
  durationSeconds: number;
  callerTalkSeconds: number;
  agentTalkSeconds: number;
  callerTalkRatio: number;
  agentTalkRatio: number;
  silenceSeconds: number;
  silenceRatio: number;
  longestSilenceSeconds: number;
  talkOverSeconds: number;
  /** Talk spans per side, seconds from the start of the recording (the player shows them). */
  callerTalk: Array<[number, number]>;
  agentTalk: Array<[number, number]>;
}

/** Which 50 ms windows are talk. */
export function talkMask(p: Pcm, o: TalkOptions = DEFAULT_TALK): boolean[] {
  const talk = levels(p, WINDOW_MS).map((db) => db > o.thresholdDb);
  const bridge = Math.round(o.bridgeMs / WINDOW_MS);
  const min = Math.round(o.minTalkMs / WINDOW_MS);
  // bridge short gaps between talk
  for (let i = 0; i < talk.length; ) {
    if (talk[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < talk.length && !talk[j]) j++;
    if (i > 0 && j < talk.length && j - i <= bridge) talk.fill(true, i, j);
    i = j;
  }
  // drop blips
  for (let i = 0; i < talk.length; ) {
    if (!talk[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < talk.length && talk[j]) j++;
    if (j - i < min) talk.fill(false, i, j);
    i = j;
  }
  return talk;
}

function spans(mask: boolean[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < mask.length; ) {
    if (!mask[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < mask.length && mask[j]) j++;
    out.push([(i * WINDOW_MS) / 1000, (j * WINDOW_MS) / 1000]);
    i = j;
  }
  return out;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function analyse(caller: Pcm, agent: Pcm, o: TalkOptions = DEFAULT_TALK): Signals {
  const c = talkMask(caller, o);
  const a = talkMask(agent, o);
  const n = Math.max(c.length, a.length);
  const sec = (k: number) => (k * WINDOW_MS) / 1000;
  let ct = 0;
  let at = 0;
  let both = 0;
  let silent = 0;
  let run = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const ci = !!c[i];
    const ai = !!a[i];
    if (ci) ct++;
    if (ai) at++;
    if (ci && ai) both++;
    if (!ci && !ai) {
      silent++;
      run++;
      longest = Math.max(longest, run);
    } else run = 0;
  }
  const duration = Math.max(caller.samples.length / caller.sampleRate, agent.samples.length / agent.sampleRate);
  const ratio = (k: number) => (duration > 0 ? Math.round((sec(k) / duration) * 1000) / 1000 : 0);
  return {
    durationSeconds: r2(duration),
    callerTalkSeconds: r2(sec(ct)),
    agentTalkSeconds: r2(sec(at)),
    callerTalkRatio: ratio(ct),
    agentTalkRatio: ratio(at),
    silenceSeconds: r2(sec(silent)),
    silenceRatio: ratio(silent),
    longestSilenceSeconds: r2(sec(longest)),
    talkOverSeconds: r2(sec(both)),
    callerTalk: spans(c),
    agentTalk: spans(a),
  };
}

/** Per-queue thresholds (settings.recording.flags); a signal past one raises its flag. */
export interface FlagThresholds {
  maxSilenceRatio?: number;
  maxLongestSilenceSeconds?: number;
  maxTalkOverSeconds?: number;
  minAgentTalkRatio?: number;
  maxAgentTalkRatio?: number;
}

export function flagsOf(s: Signals, t: FlagThresholds): string[] {
  const flags: string[] = [];
  if (t.maxSilenceRatio !== undefined && s.silenceRatio > t.maxSilenceRatio) flags.push('silence');
  if (t.maxLongestSilenceSeconds !== undefined && s.longestSilenceSeconds > t.maxLongestSilenceSeconds) flags.push('long_silence');
  if (t.maxTalkOverSeconds !== undefined && s.talkOverSeconds > t.maxTalkOverSeconds) flags.push('talk_over');
  if (t.minAgentTalkRatio !== undefined && s.agentTalkRatio < t.minAgentTalkRatio) flags.push('agent_quiet');
  if (t.maxAgentTalkRatio !== undefined && s.agentTalkRatio > t.maxAgentTalkRatio) flags.push('agent_dominates');
  return flags;
}
