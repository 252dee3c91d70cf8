import { expect } from 'chai';
import { STATUSES } from '../../app/tickets/tickets.entities.js';
import { checkContentType } from '../../app/tickets/tickets.attachments.js';
import { deadline, nextDue, reminderAt } from '../../app/tickets/tickets.sla.js';
import { sniff } from '../../app/tickets/tickets.sniff.js';
import { canTransition, isOpen, TRANSITIONS } from '../../app/tickets/tickets.transitions.js';

describe('ticket status machine', () => {
  it('lists a row for every status and only known statuses as targets, never a status to itself', () => {
    expect(Object.keys(TRANSITIONS).sort()).to.deep.equal([...STATUSES].sort());
    for (const [from, tos] of Object.entries(TRANSITIONS)) {
      for (const to of tos) expect(STATUSES).to.include(to);
      expect(tos).to.not.include(from);
    }
  });

  it('allows the working path and refuses going back from done except by reopening', () => {
    expect(canTransition('new', 'assigned')).to.equal(true);
    expect(canTransition('resolved', 'closed')).to.equal(true);
    expect(canTransition('closed', 'reopened')).to.equal(true);
    expect(canTransition('new', 'reopened')).to.equal(false);
    expect(canTransition('closed', 'in_progress')).to.equal(false);
    expect(canTransition('resolved', 'in_progress')).to.equal(false);
    expect(canTransition('waiting_on_customer', 'assigned')).to.equal(false);
  });

  it('every status can reach closed', () => {
    for (const s of STATUSES) {
      const seen = new Set([s]);
      const queue = [s];
      while (queue.length) for (const n of TRANSITIONS[queue.shift()!]) if (!seen.has(n)) (seen.add(n), queue.push(n));
      expect(seen.has('closed'), s).to.equal(true);
    }
    expect(STATUSES.filter((s) => !isOpen(s))).to.deep.equal(['resolved', 'closed']);
  });
});

describe('SLA math', () => {
  const t0 = new Date('2026-03-01T08:00:00.000Z');
  it('deadlines and the reminder at 80%', () => {
    const due = deadline(t0, 3600);
    expect(due.toISOString()).to.equal('2026-03-01T09:00:00.000Z');
    expect(reminderAt(t0, due).toISOString()).to.equal('2026-03-01T08:48:00.000Z');
    expect(reminderAt(t0, deadline(t0, 25)).toISOString()).to.equal('2026-03-01T08:00:20.000Z');
  });

  it('the next deadline is the first response until met, then the resolution, none once done', () => {
    const fr = deadline(t0, 60);
    const res = deadline(t0, 600);
    const base = { firstResponseDueAt: fr, resolutionDueAt: res, firstRespondedAt: null, resolvedAt: null, closedAt: null };
    expect(nextDue(base)).to.equal(fr);
    expect(nextDue({ ...base, firstRespondedAt: t0 })).to.equal(res);
    expect(nextDue({ ...base, resolvedAt: t0 })).to.equal(null);
    expect(nextDue({ ...base, closedAt: t0 })).to.equal(null);
  });
});

describe('attachment types by magic bytes', () => {
  const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
  it('recognizes the allowed kinds', () => {
    expect(sniff(png)?.kind).to.equal('png');
    expect(sniff(Buffer.from('%PDF-1.7\n'))?.kind).to.equal('pdf');
    expect(sniff(Buffer.from('ffd8ffe000104a46', 'hex'))?.kind).to.equal('jpeg');
    expect(sniff(Buffer.from('504b030414000000', 'hex'))?.kind).to.equal('zip');
    expect(sniff(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))?.kind).to.equal('wav');
    expect(sniff(Buffer.from('工单 ticket\r\n'))?.kind).to.equal('text');
    expect(sniff(Buffer.from([0x4d, 0x5a, 0x90, 0x00]))).to.equal(null);
    expect(sniff(Buffer.from([0xc3, 0x28]))).to.equal(null); // invalid UTF-8
    expect(sniff(Buffer.alloc(0))).to.equal(null);
  });

  it('the declared type must agree with the bytes; a vague one takes the sniffed type', () => {
    expect(checkContentType('image/png', png)).to.equal('image/png');
    expect(checkContentType('application/octet-stream', png)).to.equal('image/png');
    expect(checkContentType(undefined, png)).to.equal('image/png');
    expect(() => checkContentType('application/pdf', png)).to.throw(/content is png/);
    expect(() => checkContentType('image/png', Buffer.from([0, 1, 2]))).to.throw(/not one of the allowed kinds/);
  });
});
