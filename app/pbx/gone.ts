// "Channel gone" is normal in call control: a caller hangs up at any moment, and the next
// command on that channel answers 404 (or 409 when it has left Stasis, which CallControl reports
// as ChannelGoneError too). This is the one failure a call-control command may ignore; every
// other failure is logged with what was being done, so nothing is swallowed silently.
import type { Logger } from '../logger.js';
import { AriHttpError } from './ari/http.js';
import { ChannelGoneError } from './ports.js';

/** True for "the channel is gone": ChannelGoneError, or a raw ARI 404. */
export function isChannelGone(err: unknown): boolean {
  return err instanceof ChannelGoneError || (err instanceof AriHttpError && err.isNotFound);
}

/**
 * A `.catch` handler for a channel command whose failure must not stop the caller's code:
 * "channel gone" is logged at debug, anything else at warn with `what` and `context`.
 * Resolves to `fallback` (undefined unless given).
 */
export function ignoreChannelGone<T = undefined>(log: Logger, what: string, context: Record<string, unknown> = {}, fallback?: T): (err: unknown) => T {
  return (err) => {
    const message = err instanceof Error ? err.message : String(err);
    if (isChannelGone(err)) log.debug({ ...context, err: message }, `${what}: channel already gone`);
    else log.warn({ ...context, err: message }, `${what} failed`);
    return fallback as T;
  };
}
