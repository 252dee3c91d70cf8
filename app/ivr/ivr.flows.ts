// The IVR as the call pipeline's FlowResolver: a new call gets the published flow of its
// number (or the default flow); a resumed call gets the exact version and step it was in.
import type { CallFlow, FlowResolver } from '../calls/call-flow.js';
import type { CallRecord } from '../calls/calls.entities.js';
import type { CallInfo } from '../pbx/ports.js';
import type { IvrService } from './ivr.service.js';
import { IvrFlowRun, type FlowRunDeps, type FlowState } from './runtime/flow-run.js';

export class IvrFlows implements FlowResolver {
  constructor(
    private readonly ivr: IvrService,
    private readonly deps: FlowRunDeps,
  ) {}

  async forNewCall(call: CallInfo): Promise<CallFlow | null> {
    const flow = await this.ivr.resolve(call.calledNumber);
    if (!flow) return null;
    const state: FlowState = {
      flowVersionId: flow.versionId,
      node: flow.definition.entry,
      vars: { caller: call.callerNumber, called: call.calledNumber, ...(call.callerName ? { callerName: call.callerName } : {}) },
      stack: [],
    };
    return new IvrFlowRun(this.deps, flow, state);
  }

  async forResumedCall(record: CallRecord): Promise<CallFlow | null> {
    const saved = record.variables ? (JSON.parse(record.variables) as FlowState) : null;
    const versionId = saved?.flowVersionId ?? record.flowVersionId;
    if (!versionId) return null;
    const flow = await this.ivr.loadVersion(versionId);
    const state: FlowState = saved ?? {
      flowVersionId: versionId,
      node: flow.definition.entry,
      vars: { caller: record.callerNumber, called: record.calledNumber },
      stack: [],
    };
    return new IvrFlowRun(this.deps, flow, state);
  }
}
