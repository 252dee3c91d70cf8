// The pure parts of keyword spotting: the phrase rules, the keyphrase file, reading
// pocketsphinx's output, and the 8 → 16 kHz upsampling by zero insertion.
import { expect } from 'chai';
import { normalisePhrase, phraseProblem } from '../../app/recording/keyword-dictionary.js';
import { kwsFile, parseDetections, toWideband, wavOf } from '../../app/recording/keyword-spotter.js';
import { problemMessage } from '../../app/recording/keyword.service.js';
import { readWav } from '../../app/recording/wav.js';

const dict = new Set(['cancel', 'my', 'account', "i'd", 'like', 'a', 'refund']);

describe('recording keywords', () => {
  it('normalises phrases: lower case, single spaces, punctuation off the ends of words', () => {
    expect(normalisePhrase('  Cancel   my ACCOUNT! ')).to.equal('cancel my account');
    expect(normalisePhrase("I'd like a refund.")).to.equal("i'd like a refund");
    expect(normalisePhrase(' ?! ')).to.equal('');
  });

  it('refuses empty, too long, non-English, digits and words outside the dictionary — naming the word', () => {
    expect(phraseProblem('cancel my account', dict)).to.equal(null);
    expect(phraseProblem('', dict)).to.deep.equal({ kind: 'empty' });
    expect(phraseProblem('a a a a a a a', dict)).to.deep.include({ kind: 'too_long', words: 7 });
    expect(phraseProblem('取消 账户', dict)).to.deep.equal({ kind: 'not_english', text: '取' });
    expect(phraseProblem('café', dict)).to.deep.equal({ kind: 'not_english', text: 'é' });
    expect(phraseProblem('cancel my acount', dict)).to.deep.equal({ kind: 'unknown_word', word: 'acount' });
    expect(problemMessage({ kind: 'not_english', text: '取' }, '取消')).to.match(/only English.*no Chinese/);
    expect(problemMessage({ kind: 'not_english', text: '9' }, 'press 9')).to.match(/numbers as words/);
    expect(problemMessage({ kind: 'unknown_word', word: 'acount' }, 'cancel my acount')).to.match(/^"acount" is not in the recogniser's English dictionary/);
  });

  it('writes the keyphrase file with each threshold and reads detections of known phrases only, in time order', () => {
    const phrases = [{ phrase: 'cancel my account', threshold: 1e-30 }, { phrase: 'refund', threshold: 1e-20 }];
    expect(kwsFile(phrases)).to.equal('cancel my account /1e-30/\nrefund /1e-20/\n');
    const out = ['refund', 'refund 9.120 9.600 0.771200', 'cancel my account ', 'cancel my account  2.630 3.690 0.843395', 'noise 1.000 2.000 0.5', ''].join('\n');
    expect(parseDetections(out, phrases)).to.deep.equal([
      { phrase: 'cancel my account', from: 2.63, to: 3.69, confidence: 0.843395 },
      { phrase: 'refund', from: 9.12, to: 9.6, confidence: 0.7712 },
    ]);
  });

  it('upsamples 8 kHz by inserting zeros (the spectrum mirrored into 4–8 kHz), leaves 16 kHz alone, refuses other rates', () => {
    const p = { sampleRate: 8000, samples: Int16Array.from([100, -200, 300]) };
    const w = toWideband(p);
    expect(w.sampleRate).to.equal(16000);
    expect([...w.samples]).to.deep.equal([100, 0, -200, 0, 300, 0]);
    const back = readWav(wavOf(w));
    expect(back.sampleRate).to.equal(16000);
    expect([...back.samples]).to.deep.equal([100, 0, -200, 0, 300, 0]);
    expect(toWideband(w)).to.equal(w);
    expect(() => toWideband({ sampleRate: 11025, samples: new Int16Array(4) })).to.throw(/8 or 16 kHz/);
  });
});
