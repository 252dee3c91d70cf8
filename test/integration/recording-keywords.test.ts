// Keyword lists for recordings, against the running service (no Asterisk) on real SQLite and
// MariaDB: what the recogniser cannot spot — empty, too long, Chinese, digits, a word not in its
// English dictionary — is a 400 that says why (naming the word), and nothing is stored; admins
// write, supervisors read. And the recogniser itself (pocketsphinx) on espeak-ng speech that
// went through μ-law: the phrase is found at its second, and not in other sentences.
import { expect } from 'chai';
import { spotKeywords } from '../../app/recording/keyword-spotter.js';
import { userToken } from '../support/acd.js';
import { api } from '../support/api.js';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.js';
import type { HotlineProcess } from '../support/hotline.js';
import { startWithoutPbx } from '../support/openapi-cases.js';
import { speechTrack } from '../support/speech-audio.js';

for (const kind of DB_KINDS) {
  describe(`recording keywords: validation and access (${kind})`, function () {
    this.timeout(120_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let stop: () => Promise<void>;
    const count = async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM recording_keywords'))[0]!.n);

    before(async () => {
      db = await createTestDb(kind);
      ({ hotline, stop } = await startWithoutPbx(db));
      // a queue (Asterisk is not there to apply it; the queue is saved all the same)
      const q = await api(hotline.url, 'POST', '/api/acd/queues', { name: 'kwq', settings: { recording: { mode: 'all' } } });
      expect(q.status, JSON.stringify(q.body)).to.be.oneOf([201, 202]);
    });
    after(async () => {
      await stop?.();
      await db?.drop();
    });

    it('refuses what the recogniser cannot spot with a 400 that says why, and stores nothing', async () => {
      const cases: Array<[unknown, string, RegExp]> = [
        [{ phrase: '', leg: 'agent' }, 'invalid_keyword', /empty/],
        [{ phrase: '  !? ', leg: 'agent' }, 'invalid_keyword', /empty/],
        [{ phrase: '取消账户', leg: 'agent' }, 'invalid_keyword', /only English.*no Chinese/],
        [{ phrase: 'cancel 账户', leg: 'both' }, 'invalid_keyword', /账\\?" is not an English letter/],
        [{ phrase: 'cancel my acount', leg: 'agent' }, 'invalid_keyword', /acount\\?" is not in the recogniser's English dictionary/],
        [{ phrase: 'press 9 now', leg: 'caller' }, 'invalid_keyword', /numbers as words/],
        [{ phrase: 'i want to cancel my whole account', leg: 'agent' }, 'invalid_keyword', /too long \(7 words/],
        [{ phrase: 'cancel my account', leg: 'agent', queue: 'nosuchq' }, 'invalid_keyword', /no queue nosuchq/],
        [{ phrase: 'x'.repeat(201), leg: 'agent' }, 'validation_failed', /phrase/],
        [{ phrase: 'cancel my account', leg: 'customer' }, 'validation_failed', /leg/],
        [{ phrase: 'cancel my account', leg: 'agent', threshold: 5 }, 'validation_failed', /threshold/],
        [{ phrase: 'cancel my account', leg: 'agent', colour: 'red' }, 'validation_failed', /colour/],
      ];
      for (const [body, code, message] of cases) {
        const res = await api(hotline.url, 'POST', '/api/recordings/keywords', body);
        expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).to.equal(400);
        expect(res.body.error.code).to.equal(code);
        expect(JSON.stringify(res.body.error), JSON.stringify(body)).to.match(message);
      }
      const word = await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: 'cancel my acount', leg: 'agent' });
      expect(word.body.error.details).to.deep.include({ problem: 'unknown_word', word: 'acount' });
      expect(await count(), 'nothing stored by refused input').to.equal(0);
    });

    it('an admin adds English phrases (normalised), a duplicate is a 409, supervisors read, agents do not; delete', async () => {
      const sup = await userToken(hotline.url, `kw-sup-${kind}`, 'supervisor');
      const agent = await userToken(hotline.url, `kw-agent-${kind}`, 'agent');
      expect((await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: 'refund', leg: 'caller' }, sup.token)).status, 'supervisors do not write').to.equal(403);
      const a = await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: '  Cancel my ACCOUNT! ', leg: 'agent', queue: 'kwq' });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      expect(a.body).to.include({ phrase: 'cancel my account', leg: 'agent', queue: 'kwq', threshold: 1e-30, createdBy: 'admin' });
      const g = await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: "I'd like a refund", leg: 'both', threshold: 1e-20 });
      expect(g.status, JSON.stringify(g.body)).to.equal(201);
      expect(g.body).to.include({ phrase: "i'd like a refund", queue: null, threshold: 1e-20 });
      const dup = await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: 'cancel my account.', leg: 'both', queue: 'kwq' });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal('keyword_exists');
      expect((await api(hotline.url, 'POST', '/api/recordings/keywords', { phrase: 'cancel my account', leg: 'both' })).status, 'the same phrase for every queue is another keyword').to.equal(201);
      expect(await count()).to.equal(3);
      const list = await api(hotline.url, 'GET', '/api/recordings/keywords?queue=kwq', undefined, sup.token);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((k: any) => `${k.phrase}@${k.queue ?? '*'}`)).to.deep.equal(['cancel my account@kwq', "i'd like a refund@*", 'cancel my account@*']);
      expect((await api(hotline.url, 'GET', '/api/recordings/keywords', undefined, agent.token)).status).to.equal(403);
      expect((await api(hotline.url, 'DELETE', `/api/recordings/keywords/${g.body.id}`)).status).to.equal(204);
      expect((await api(hotline.url, 'DELETE', `/api/recordings/keywords/${g.body.id}`)).status).to.equal(404);
      expect(await count()).to.equal(2);
      const audit = await api(hotline.url, 'GET', '/api/audit?action=config.change');
      expect(audit.body.items.filter((e: any) => /recordings\/keywords/.test(JSON.stringify(e))).length, 'adds and the delete audited').to.equal(4);
    });
  });
}

describe('the keyword recogniser (pocketsphinx) on espeak-ng speech through μ-law at 8 kHz', function () {
  this.timeout(60_000);
  const phrases = [{ phrase: 'cancel my account', threshold: 1e-30 }];

  it('finds "cancel my account" in "I want to cancel my account" at its second', async () => {
    const t = speechTrack([{ ms: 3000 }, { text: 'Thank you for calling, how can I help you today' }, { ms: 1500 }, { text: 'I want to cancel my account' }, { ms: 2000 }]);
    const hits = await spotKeywords({ sampleRate: 8000, samples: t.samples }, phrases);
    const said = t.spans[1]!;
    expect(hits.map((h) => h.phrase)).to.deep.equal(['cancel my account']);
    // "cancel" follows "I want to": inside the sentence, not at its start
    expect(hits[0]!.from).to.be.within(said.from + 0.2, said.from + 1.2);
    expect(hits[0]!.to).to.be.within(said.to - 1, said.to + 0.2);
  });

  it('finds nothing in other sentences, even one with "my account" in it', async () => {
    for (const text of ['I would like to check my account balance please', 'My internet connection is very slow since yesterday', 'Please hold the line while I transfer your call']) {
      const t = speechTrack([{ ms: 1000 }, { text }, { ms: 1000 }]);
      expect(await spotKeywords({ sampleRate: 8000, samples: t.samples }, phrases), text).to.deep.equal([]);
    }
  });
});
