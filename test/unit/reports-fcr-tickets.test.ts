// First-call resolution by tickets (app/reports/fcr-tickets.ts): each ticket opened from a call
// falls in one class, and the rate is resolved-on-first-contact ÷ opened.
import { expect } from 'chai';
import { classifyTicket, ticketFirstContactResolution, type ContactCall, type TicketContact } from '../../app/reports/fcr-tickets.js';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T02:00:00Z');
const ticket = (over: Partial<TicketContact>): TicketContact => ({ ticketId: 't', callId: 'c1', callerNumber: '13800138000', callAt: T0, firstResolvedAt: T0 + 2 * H, reopened: false, ...over });
const call = (id: string, at: number, callerNumber = '13800138000'): ContactCall => ({ id, callerNumber, at });

describe('FCR by tickets', () => {
  it('a ticket resolved with no later call from the number and never reopened is resolved on first contact', () => {
    expect(classifyTicket(ticket({}), [call('c1', T0)])).to.equal('firstContact');
    // Calls of the number after the resolution, or of another number, do not count against it.
    expect(classifyTicket(ticket({}), [call('c1', T0), call('c9', T0 + 3 * H), call('c8', T0 + H, '13900000000')])).to.equal('firstContact');
  });

  it('a later call from the number before the first resolution is a repeat contact', () => {
    expect(classifyTicket(ticket({}), [call('c1', T0), call('c2', T0 + H)])).to.equal('repeatContact');
  });

  it('a reopened ticket is not resolved on first contact, even with no later call', () => {
    expect(classifyTicket(ticket({ reopened: true }), [])).to.equal('reopened');
  });

  it('a ticket never resolved is still open; an anonymous caller is judged by reopens only', () => {
    expect(classifyTicket(ticket({ firstResolvedAt: null }), [])).to.equal('stillOpen');
    expect(classifyTicket(ticket({ callerNumber: '' }), [call('c2', T0 + H, '')])).to.equal('firstContact');
  });

  it('counts each class and gives first contact ÷ opened (still open in the base), null with no ticket', () => {
    const tickets = [
      ticket({ ticketId: 'a', callId: 'a1', callerNumber: '1', callAt: T0 }),
      ticket({ ticketId: 'b', callId: 'b1', callerNumber: '2', callAt: T0 }),
      ticket({ ticketId: 'c', callId: 'c1', callerNumber: '3', callAt: T0 }),
      ticket({ ticketId: 'd', callId: 'd1', callerNumber: '4', callAt: T0, reopened: true }),
      ticket({ ticketId: 'e', callId: 'e1', callerNumber: '5', callAt: T0, firstResolvedAt: null }),
    ];
    const calls = [call('a1', T0, '1'), call('b1', T0, '2'), call('b2', T0 + H, '2'), call('c1', T0, '3'), call('c2', T0 + 5 * H, '3')];
    expect(ticketFirstContactResolution(tickets, calls)).to.deep.equal({ opened: 5, resolvedFirstContact: 2, resolvedAfterRepeatContact: 1, reopened: 1, stillOpen: 1, rate: 0.4 });
    expect(ticketFirstContactResolution([], []).rate).to.equal(null);
  });
});
