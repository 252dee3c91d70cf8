// The automatic signals on a known pattern (caller talks 0–10 s, nobody 10–20 s, the agent
// 20–30 s, both 30–33 s), with speech-like gaps bridged and blips ignored; flags per thresholds.
import { expect } from 'chai';
import { analyse, flagsOf, talkMask } from '../../app/recording/signals.js';
import type { Pcm } from '../../app/recording/wav.js';

function pcm(spans: Array<[number, number]>, seconds: number, hz = 440): Pcm {
  const rate = 8000;
  const samples = new Int16Array(seconds * rate);
  for (const [from, to] of spans) for (let i = from * rate; i < to * rate; i++) samples[i] = Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 6000);
  return { sampleRate: rate, samples };
}

describe('recording signals', () => {
  it('measures the known pattern: talk, silence, longest silence and talk-over', () => {
    const s = analyse(pcm([[0, 10], [30, 33]], 33), pcm([[20, 33]], 33, 600));
    expect(s.durationSeconds).to.equal(33);
    expect(s.callerTalkSeconds).to.be.closeTo(13, 0.1);
    expect(s.agentTalkSeconds).to.be.closeTo(13, 0.1);
    expect(s.silenceSeconds).to.be.closeTo(10, 0.1);
    expect(s.longestSilenceSeconds).to.be.closeTo(10, 0.1);
    expect(s.talkOverSeconds).to.be.closeTo(3, 0.1);
    expect(s.callerTalkRatio).to.be.closeTo(13 / 33, 0.01);
    expect(s.silenceRatio).to.be.closeTo(10 / 33, 0.01);
    expect(s.callerTalk).to.deep.equal([[0, 10], [30, 33]]);
    expect(s.agentTalk).to.deep.equal([[20, 33]]);
  });

  it('bridges short gaps inside talk and drops blips', () => {
    const mask = talkMask(pcm([[1, 2], [2.2, 3], [5, 5.05]], 6));
    const on = mask.map((m, i) => (m ? i : -1)).filter((i) => i >= 0);
    expect(on[0]).to.equal(20);
    expect(on.at(-1)).to.equal(59);
    expect(on).to.have.length(40); // 1.0–3.0 s, the 0.2 s gap bridged; the 50 ms blip at 5 s dropped
  });

  it('raises the flags whose thresholds the call passes', () => {
    const s = analyse(pcm([[0, 10], [30, 33]], 33), pcm([[20, 33]], 33, 600));
    expect(flagsOf(s, {})).to.deep.equal([]);
    expect(flagsOf(s, { maxTalkOverSeconds: 2, maxLongestSilenceSeconds: 8, maxSilenceRatio: 0.5, minAgentTalkRatio: 0.5, maxAgentTalkRatio: 0.9 })).to.deep.equal(['long_silence', 'talk_over', 'agent_quiet']);
  });
});
