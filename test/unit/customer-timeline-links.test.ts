// Where the customer drawer's timeline entries lead (app/web/components/customers/timeline-links.ts):
// calls to the Calls page only for those who may read call records, tickets by their number,
// faxes to the fax page; notes and changes nowhere.
import { expect } from 'chai';
import { timelineLink } from '../../app/web/components/customers/timeline-links.js';
import { interactionItem, mergeTimeline } from '../../app/crm/crm.timeline.js';

describe('customers page: timeline entries as links', () => {
  const at = new Date('2026-12-06T08:00:00Z');
  const asJson = <T>(x: T) => JSON.parse(JSON.stringify(x)) as T;
  const call = asJson(mergeTimeline([], [{ id: 'call-1', startedAt: at, callerNumber: '13800138000', calledNumber: '4008001234', outcome: 'completed', durationMs: 60_000 }], 5).items[0]!);
  const ticket = asJson(interactionItem({ id: 'i1', kind: 'ticket', at, refId: 'uuid-of-ticket', summary: 'ticket T-000042 opened: 发票', actor: 'li' }));
  const fax = asJson(interactionItem({ id: 'i2', kind: 'fax', at, refId: 'fax-9', summary: 'fax from 010 linked: 2 page(s), received', actor: 'li' }));
  const note = asJson(interactionItem({ id: 'i3', kind: 'note', at, refId: null, summary: 'call back', actor: 'li' }));

  it('a call opens on the Calls page for supervisors, admins and read-only users, not for agents', () => {
    expect(timelineLink(call, 'supervisor')).to.deep.equal({ path: '/calls', query: { open: 'call-1' } });
    expect(timelineLink(call, 'readonly')).to.deep.equal({ path: '/calls', query: { open: 'call-1' } });
    expect(timelineLink(call, 'agent')).to.equal(null);
  });

  it('a ticket opens by its number, a fax by its ID; a note leads nowhere', () => {
    expect(timelineLink(ticket, 'agent')).to.deep.equal({ path: '/tickets', query: { ticket: 'T-000042' } });
    expect(timelineLink(fax, 'agent')).to.deep.equal({ path: '/fax', query: { id: 'fax-9' } });
    expect(timelineLink(note, 'admin')).to.equal(null);
    expect(timelineLink(ticket, undefined)).to.equal(null);
  });
});
