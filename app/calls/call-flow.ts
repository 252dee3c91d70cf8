// What the call pipeline runs: a CallFlow, picked by a FlowResolver (the IVR module
// implements both). The pipeline knows nothing about nodes or versions.
import type { CallInfo } from '../pbx/ports.js';
import type { CallContext } from './call-context.js';
import type { CallRecord } from './calls.entities.js';

export interface CallFlow {
  /** Recorded on the call record. */
  name: string;
  versionId: string | null;
  /** Runs the call to its end (hangup, hand-off); throws CallEnded when the caller hangs up. */
  run(ctx: CallContext, answered: boolean): Promise<void>;
}

export interface FlowResolver {
  /** The flow for a new call, or null when no flow is published for its number. */
  forNewCall(call: CallInfo): Promise<CallFlow | null>;
  /** The flow of a call in progress, from its persisted state (version, step, variables). */
  forResumedCall(record: CallRecord): Promise<CallFlow | null>;
}
