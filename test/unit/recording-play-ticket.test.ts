// Play tickets for the console's <audio> player: genuine, for one recording, expiring; an altered
// or foreign ticket, or one sealed with another key file, is refused with 403.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { PLAY_TICKET_MS, PlayTickets } from '../../app/recording/play-ticket.js';

const R = '11111111-1111-4111-8111-111111111111';
const keyRing = (key = randomBytes(32)) => ({ first: () => ({ id: 'k1', key }) });

describe('recording play tickets', () => {
  it('a ticket verifies for its recording, with the user and leg it was issued for', () => {
    const tickets = new PlayTickets(keyRing());
    const { ticket, expiresAt } = tickets.issue({ r: R, leg: 'mixed', u: 'sup1', role: 'supervisor' });
    expect(expiresAt.getTime()).to.be.closeTo(Date.now() + PLAY_TICKET_MS, 2000);
    expect(tickets.verify(ticket, R)).to.include({ r: R, leg: 'mixed', u: 'sup1', role: 'supervisor' });
  });

  it('refuses another recording, an altered payload, a foreign key and an expired ticket', () => {
    let now = 1_000_000;
    const key = randomBytes(32);
    const tickets = new PlayTickets(keyRing(key), () => now);
    const { ticket } = tickets.issue({ r: R, leg: 'mixed', u: 'sup1', role: 'supervisor' });
    expect(() => tickets.verify(ticket, '22222222-2222-4222-8222-222222222222')).to.throw(/another recording/);
    const [payload, sig] = ticket.split('.');
    const forged = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('sup1', 'adm1')).toString('base64url');
    expect(() => tickets.verify(`${forged}.${sig}`, R)).to.throw(/not genuine/);
    expect(() => tickets.verify('garbage', R)).to.throw(/malformed/);
    expect(() => new PlayTickets(keyRing(), () => now).verify(ticket, R)).to.throw(/not genuine/);
    now += PLAY_TICKET_MS + 1;
    try {
      tickets.verify(ticket, R);
      expect.fail('an expired ticket played');
    } catch (e) {
      expect((e as { status: number; code: string }).status).to.equal(403);
      expect((e as { code: string }).code).to.equal('play_ticket_invalid');
    }
  });
});
