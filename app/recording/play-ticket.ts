// Play tickets: an <audio> element cannot send the session's bearer header, so the console asks
// for a ticket (as the signed-in user, access checked) and gives the player a URL carrying it.
// A ticket names one recording, one leg, the user it was issued to (for the listen's audit) and
// its expiry; it is an HMAC with a key derived from the recording key ring's first key (the key
// file is shared storage on both nodes, so a ticket made on one plays on the other). A rotation
// does not change the first key; removing it (never allowed while its files exist) ends tickets.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Role } from '../auth/permissions.js';
import type { KeyRing } from './key-ring.js';

export class PlayTicketError extends AppError {
  constructor(message: string) {
    super(403, 'play_ticket_invalid', message);
  }
}

export interface PlayTicket {
  /** recording id */
  r: string;
  leg: 'mixed' | 'caller' | 'agent';
  /** the user's name (audit actor) and role when issued */
  u: string;
  role: Role;
  /** expiry, ms since the epoch */
  exp: number;
}

/** How long a ticket plays: long enough for a long call with seeks; the player asks again after. */
export const PLAY_TICKET_MS = 30 * 60_000;

export class PlayTickets {
  constructor(
    private readonly keys: Pick<KeyRing, 'first'>,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(payload: string): Buffer {
    const key = Buffer.from(hkdfSync('sha256', this.keys.first().key, Buffer.alloc(0), 'hotline recording play ticket', 32));
    return createHmac('sha256', key).update(payload).digest();
  }

  issue(t: Omit<PlayTicket, 'exp'>): { ticket: string; expiresAt: Date } {
    const exp = this.now() + PLAY_TICKET_MS;
    const payload = Buffer.from(JSON.stringify({ ...t, exp })).toString('base64url');
    return { ticket: `${payload}.${this.mac(payload).toString('base64url')}`, expiresAt: new Date(exp) };
  }

  /** The ticket's content when it is genuine, unexpired and for this recording; throws 403 otherwise. */
  verify(ticket: string, recordingId: string): PlayTicket {
    const [payload, sig, extra] = ticket.split('.');
    if (!payload || !sig || extra !== undefined) throw new PlayTicketError('the play ticket is malformed');
    const want = this.mac(payload);
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new PlayTicketError('the play ticket is not genuine');
    const t = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PlayTicket;
    if (t.r !== recordingId) throw new PlayTicketError('the play ticket is for another recording');
    if (!(t.exp > this.now())) throw new PlayTicketError('the play ticket has expired: open the recording again');
    return t;
  }
}
