// Overload admission, as the dialplan (dialplan/extensions.conf) implements it, before Stasis():
//  - by count: every inbound call joins the channel group OVERLOAD_GROUP; when more than
//    ADMISSION_VARIABLE calls are already in it, the call goes to the fallback queue at once
//    (UserEvent HotlineFallback, reason OVERLOAD_REASON) instead of waiting on an app that
//    cannot keep up. A call leaves the group when it leaves the app (back to the dialplan, or
//    handed off).
//  - by rate: at most RATE_VARIABLE calls a second, kept smooth by a leaky bucket (GCRA: global
//    RATE_TAT_VARIABLE, the theoretical arrival time of the next call; bursts of a tenth of a
//    second's calls pass); a call that comes too early is refused at once
//    (UserEvent REFUSED_EVENT, reason RATE_REASON; SIP 503, no media). Call setup is what costs
//    (answer, prompt, records: bench:calls measures it), and short calls never pile up to the
//    count limit before the box falls behind; sending the excess to the fallback queue would
//    spend the CPU the admitted calls need on prompts and hold music (measured: 1.5x the clean
//    rate, with the excess in the fallback, completed almost nothing).
// The calls Hotline admitted keep their pace either way.
export const ADMISSION_VARIABLE = 'HOTLINE_MAX_IN_APP';
export const RATE_VARIABLE = 'HOTLINE_MAX_RATE';
export const RATE_TAT_VARIABLE = 'HOTLINE_RATE_TAT';
export const OVERLOAD_GROUP = 'in-app@hotline';
export const OVERLOAD_REASON = 'OVERLOAD';
export const REFUSED_EVENT = 'HotlineRefused';
export const RATE_REASON = 'RATE';
/** How often the active node reads the limits back from Asterisk (a reload it did not make resets them). */
export const ADMISSION_CHECK_MS = 10_000;
/** Before the rate (same dialplan step, no extra one for callers not blocked): a caller whose number
 *  has a key in AstDB family BLOCK_FAMILY holding an end still ahead is refused (SIP 403, cause 21)
 *  with UserEvent BLOCKED_EVENT (Caller, Called, Uniqueid). Keys and values: app/blocking. */
export const BLOCK_FAMILY = 'hotline-blocked';
export const BLOCKED_EVENT = 'HotlineBlocked';
