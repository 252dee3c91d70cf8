import { expect } from 'chai';
import { afterFailure, backoffMs, errorText } from '../../app/scheduler/scheduler.policy.js';

const p = { maxAttempts: 4, baseBackoffMs: 1000, maxBackoffMs: 5000 };

describe('scheduler policy', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 10, 100].map((n) => backoffMs(n, p))).to.deep.equal([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('retries until maxAttempts, then gives up', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(afterFailure(1, now, p)).to.deep.equal({ status: 'pending', retryAt: new Date('2026-01-01T00:00:01Z') });
    expect(afterFailure(3, now, p)).to.deep.equal({ status: 'pending', retryAt: new Date('2026-01-01T00:00:04Z') });
    expect(afterFailure(4, now, p)).to.deep.equal({ status: 'failed' });
  });

  it('stores errors as one bounded line without the stack', () => {
    const e = new TypeError('bad\n  thing');
    expect(errorText(e)).to.equal('TypeError: bad thing');
    expect(errorText(new Error('SMTP refused')), 'a plain Error: the message alone, not "Error: …"').to.equal('SMTP refused');
    expect(errorText('x'.repeat(2000), 10)).to.have.length(10);
  });
});
