// GET /api/calls's query as the Calls page sends it (pure: the page's search module and its unit
// test use it without the API client).
/** The search as GET /api/calls takes it (times as ISO strings). */
export interface CallFilter {
  limit: number;
  offset: number;
  from?: string;
  to?: string;
  caller?: string;
  /** The start of the caller's number (digits, optionally after +). */
  callerPrefix?: string;
  called?: string;
  outcome?: string;
  queue?: string;
  agentId?: string;
  flow?: string;
}
