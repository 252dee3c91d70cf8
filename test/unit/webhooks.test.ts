// Webhooks' pure parts: the signature (as a receiver checks it), the retry schedule, the
// secret-free error texts, the live events' data, and the request schemas.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { afterFailedAttempt, DEFAULT_RETRY_DELAYS_MS, maxAttempts, retryDelays } from '../../app/webhooks/webhooks.backoff.js';
import { attemptError } from '../../app/webhooks/webhooks.post.js';
import { createWebhookBody, deliveriesQuery, updateWebhookBody } from '../../app/webhooks/webhooks.schemas.js';
import { newSecret, secretHint, signatureHeader, verifySignature } from '../../app/webhooks/webhooks.signature.js';
import { liveEventData } from '../../app/webhooks/webhooks.sources.js';

describe('webhooks: signature', () => {
  const secret = 'whsec_0123456789abcdef';
  const body = '{"id":"d1","event":"ping","at":"2026-12-06T00:00:00.000Z","data":{"webhook":"x"}}';

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    const header = signatureHeader(secret, body, 1_765_000_000);
    const expected = createHmac('sha256', secret).update(`1765000000.${body}`).digest('hex');
    expect(header).to.equal(`t=1765000000,v1=${expected}`);
  });

  it('verifies with the right secret and body only, within the tolerance', () => {
    const header = signatureHeader(secret, body, 1_765_000_000);
    expect(verifySignature(secret, body, header, 1_765_000_010)).to.equal(true);
    expect(verifySignature('whsec_other', body, header, 1_765_000_010)).to.equal(false);
    expect(verifySignature(secret, body.replace('ping', 'pong'), header, 1_765_000_010)).to.equal(false);
    expect(verifySignature(secret, body, header, 1_765_000_000 + 301)).to.equal(false);
    for (const bad of ['', 't=1765000000', 'v1=abc', 't=x,v1=' + 'a'.repeat(64), 't=1765000000,v1=zz']) expect(verifySignature(secret, body, bad, 1_765_000_000)).to.equal(false);
  });

  it('makes distinct secrets and shows only their last 4 characters', () => {
    const a = newSecret();
    expect(a).to.match(/^whsec_[0-9a-f]{48}$/);
    expect(newSecret()).to.not.equal(a);
    expect(secretHint(a)).to.equal(a.slice(-4)).and.have.length(4);
  });
});

describe('webhooks: retries', () => {
  const now = new Date('2026-12-06T00:00:00Z');
  const waits = (delays?: readonly number[]) => {
    const out: Array<number | 'failed'> = [];
    for (let attempts = 1; attempts <= 9; attempts++) {
      const next = afterFailedAttempt(attempts, now, delays);
      out.push(next.status === 'failed' ? 'failed' : next.nextAttemptAt.getTime() - now.getTime());
    }
    return out;
  };

  it('retries after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h: 8 attempts, then failed', () => {
    expect(waits()).to.deep.equal([10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 'failed', 'failed']);
    expect(maxAttempts()).to.equal(8);
  });

  it('takes one override for every retry or seven, keeping 8 attempts', () => {
    expect(retryDelays([])).to.equal(DEFAULT_RETRY_DELAYS_MS);
    expect(waits(retryDelays([200]))).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 'failed', 'failed']);
    expect(maxAttempts(retryDelays([1, 2, 3, 4, 5, 6, 7]))).to.equal(8);
  });
});

describe('webhooks: attempt errors', () => {
  it('names the failure without the URL', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8080'), { code: 'ECONNREFUSED' }) });
    expect(attemptError(refused)).to.equal('connection refused (ECONNREFUSED)');
    expect(attemptError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).to.equal('no answer within 10 s');
    expect(attemptError(new Error('bad https://hooks.example/x?token=s3cret thing'))).to.equal('request failed: bad <url> thing');
  });
});

describe('webhooks: live event data', () => {
  it('is the event without its type, at its own time', () => {
    const e = { type: 'queue.caller' as const, queue: 'sales', uniqueid: '1.2', callerNumber: '100', event: 'joined' as const, at: '2026-12-06T01:02:03.000Z' };
    const { at, data } = liveEventData(e);
    expect(at.toISOString()).to.equal(e.at);
    expect(data).to.deep.equal({ queue: 'sales', uniqueid: '1.2', callerNumber: '100', event: 'joined', at: e.at });
  });
});

describe('webhooks: request schemas', () => {
  const ok = { name: 'CRM', url: 'https://crm.example/hooks', events: ['call.ended'] };
  it('takes http(s) URLs and subscribable events only, and no unknown field', () => {
    expect(createWebhookBody.safeParse(ok).success).to.equal(true);
    expect(createWebhookBody.parse({ ...ok, events: ['call.ended', 'call.ended'] }).events).to.deep.equal(['call.ended']);
    for (const bad of [
      { ...ok, url: 'ftp://crm.example/x' },
      { ...ok, url: 'not a url' },
      { ...ok, url: 'https://user:pw@crm.example/x' },
      { ...ok, url: `https://crm.example/${'x'.repeat(2000)}` },
      { ...ok, events: [] },
      { ...ok, events: ['ping'] },
      { ...ok, events: ['call.started'] },
      { ...ok, name: '' },
      { ...ok, name: 'x'.repeat(65) },
      { ...ok, secret: 'mine' },
    ]) expect(createWebhookBody.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).to.equal(false);
    expect(updateWebhookBody.safeParse({ enabled: false }).success).to.equal(true);
    expect(updateWebhookBody.safeParse({ colour: 'red' }).success).to.equal(false);
    expect(deliveriesQuery.parse({})).to.deep.equal({ limit: 50, offset: 0 });
    expect(deliveriesQuery.safeParse({ limit: '201' }).success).to.equal(false);
    expect(deliveriesQuery.safeParse({ status: 'lost' }).success).to.equal(false);
  });
});
