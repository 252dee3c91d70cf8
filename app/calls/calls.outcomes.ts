// How a call ended (a call record's outcome): no ORM here, so the console imports it too.
export const CALL_OUTCOMES = [
  'completed', // Hotline finished the flow and hung up
  'caller_hangup', // the caller hung up before the flow ended
  'handed_back', // Hotline handed the call back to the dialplan fallback (shutdown, failure)
  'handed_off', // the flow passed the call to a dialplan destination (queue, transfer)
  'failed', // the call ended because of an error
  // Calls of an attached PBX (source other than 'hotline'), built from its AMI events:
  'answered', // an agent (queue) or a dialed party answered
  'abandoned', // the caller hung up while waiting in a queue
  'unanswered', // nobody answered (no queue answer, or the PBX never answered)
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
