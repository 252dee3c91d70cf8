// askSurvey's decisions with a scripted call (the real call path is test/integration/survey):
// which answers are saved, how many times the question is asked, what a hang-up settles.
import { expect } from 'chai';
import { CallEnded } from '../../app/calls/call-session.js';
import type { FlowCall } from '../../app/ivr/runtime/runtime.js';
import { createLogger } from '../../app/logger.js';
import type { SurveyResponse } from '../../app/survey/survey.entities.js';
import { askSurvey } from '../../app/survey/survey.run.js';
import type { SurveyView } from '../../app/survey/survey.service.js';

const survey = {
  name: 's', language: 'zh', question: { sound: 'q' }, invalidPrompt: { sound: 'bad' }, thanksPrompt: { sound: 'thanks' }, timeoutSeconds: 5, retries: 2,
  options: [{ key: '1', label: 'good', score: 5, satisfied: true }, { key: '2', label: 'bad', score: 1, satisfied: false }],
} as unknown as SurveyView;

function run(keys: Array<string | null | 'hangup'>, asked = 0) {
  const played: string[] = [];
  const settled: Array<{ status: string; answer?: unknown }> = [];
  let asks = 0;
  let hungUp = false;
  const call = {
    log: createLogger({ level: 'silent', secrets: [] }),
    async promptForDigit(media: string[]) {
      played.push(media.join());
      const k = keys.shift();
      if (k === 'hangup' || k === undefined) throw new CallEnded('caller hung up');
      return k;
    },
    async playAndWait(media: string[]) {
      played.push(media.join());
    },
    async hangup() {
      hungUp = true;
    },
  } as unknown as FlowCall;
  const response = { id: 'r', asked } as SurveyResponse;
  const done = askSurvey(call, survey, response, {
    service: {
      asked: async () => void asks++,
      settle: async (_id, status, answer) => (settled.push({ status, answer }), settled.length === 1),
    },
    media: async (ref) => [`sound:${(ref as { sound: string }).sound}`],
    timeline: () => {},
  });
  return done.then(
    () => ({ played, settled, asks, hungUp, error: null as unknown }),
    (error: unknown) => ({ played, settled, asks, hungUp, error }),
  );
}

describe('asking the survey', () => {
  it('an answer is saved with what it means, thanked, and the call ended', async () => {
    const r = await run(['1']);
    expect(r.settled).to.deep.equal([{ status: 'answered', answer: { key: '1', label: 'good', score: 5, satisfied: true } }]);
    expect(r.played).to.deep.equal(['sound:q', 'sound:thanks']);
    expect(r.hungUp).to.equal(true);
  });

  it('a wrong key: the invalid prompt and the question again; silence: asked again; then the answer', async () => {
    const r = await run(['7', null, '2']);
    expect(r.played).to.deep.equal(['sound:q', 'sound:bad', 'sound:q', 'sound:q', 'sound:thanks']);
    expect(r.asks).to.equal(3);
    expect(r.settled[0]).to.deep.include({ status: 'answered' });
  });

  it('no answer after 1 + retries questions: no_answer, the call ended', async () => {
    const r = await run([null, null, null]);
    expect(r.asks).to.equal(3);
    expect(r.settled).to.deep.equal([{ status: 'no_answer', answer: undefined }]);
    expect(r.hungUp).to.equal(true);
  });

  it('the caller hangs up during the question: caller_hangup; resumed after a takeover: asked at least once more', async () => {
    const gone = await run(['hangup']);
    expect(gone.settled).to.deep.equal([{ status: 'caller_hangup', answer: undefined }]);
    expect(gone.error).to.be.instanceOf(CallEnded);
    const resumed = await run([null, '1'], 3);
    expect(resumed.asks, 'asked once more though the other node had asked 3 times').to.equal(1);
    expect(resumed.settled[0]).to.deep.include({ status: 'no_answer' });
  });

  it('a node that steps down leaves the response open for the node that takes over', async () => {
    const r = await (async () => {
      const call = { log: createLogger({ level: 'silent', secrets: [] }), promptForDigit: async () => { throw new CallEnded('left', 'another node'); } } as unknown as FlowCall;
      const settled: string[] = [];
      await askSurvey(call, survey, { id: 'r', asked: 1 } as SurveyResponse, { service: { asked: async () => {}, settle: async (_i, s) => (settled.push(s), true) }, media: async () => ['sound:q'], timeline: () => {} }).catch(() => undefined);
      return settled;
    })();
    expect(r).to.deep.equal([]);
  });
});
