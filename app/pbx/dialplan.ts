// The dialplan contract: names that dialplan/extensions.conf defines and Hotline relies on
// (contexts, extension prefixes, the globals Hotline sets over AMI). test/unit/dialplan.test.ts
// checks each against the file, so a rename on one side cannot pass unnoticed.

/** Calls and transfers placed by agents' devices (the default HOTLINE_ACD_DEVICE_CONTEXT). */
export const AGENT_CONTEXT = 'hotline-agents';

/** An agent device dials (or transfers to) `queue-<name>` to put the call in that queue. */
export const QUEUE_TARGET_PREFIX = 'queue-';
export const queueTarget = (queue: string): string => `${QUEUE_TARGET_PREFIX}${queue}`;

/** The UserEvent the agents' context raises for every target it routes (Kind: agent | queue | outside | unknown). */
export const AGENT_TARGET_EVENT = 'HotlineAgentTarget';

/**
 * Globals Hotline sets (AMI Setvar without a channel) so the dialplan can reach outside numbers the
 * way HOTLINE_OUTBOUND_DIAL says: the dial string before and after `{number}`.
 */
export const OUTBOUND_PREFIX_VAR = 'HOTLINE_OUTBOUND_PREFIX';
export const OUTBOUND_SUFFIX_VAR = 'HOTLINE_OUTBOUND_SUFFIX';

/** The two globals for a HOTLINE_OUTBOUND_DIAL template (`PJSIP/{number}@trunk` -> `PJSIP/`, `@trunk`). */
export function outboundGlobals(template: string): Record<string, string> {
  const at = template.indexOf('{number}');
  if (at < 0) throw new Error('an outbound dial template needs {number}');
  return { [OUTBOUND_PREFIX_VAR]: template.slice(0, at), [OUTBOUND_SUFFIX_VAR]: template.slice(at + '{number}'.length) };
}

/**
 * A caller whose agent hung up first, in a queue with a satisfaction survey (HOTLINE_SURVEY: its
 * name), goes on in this context: Stasis(<app>,survey,<name>) there, Hangup() after.
 */
export const SURVEY_CONTEXT = 'hotline-survey';
export const SURVEY_ARG = 'survey';
/** The channel variables the queue node sets: the queue's survey, and the overflow queue's. */
export const SURVEY_VAR = 'HOTLINE_SURVEY';
export const OVERFLOW_SURVEY_VAR = 'HOTLINE_OVERFLOW_SURVEY';

/** Contexts of dialplan/extensions.conf that Hotline's code names. */
export const CONTEXTS = [AGENT_CONTEXT, 'from-callers', 'hotline-fallback', 'hotline-queue', 'hotline-agent-dial', 'hotline-transfer', 'hotline-callback-exit', 'hotline-callback-place', 'hotline-callback-dial', 'hotline-fax-receive', 'hotline-fax-send', 'hotline-fax-result', SURVEY_CONTEXT] as const;
