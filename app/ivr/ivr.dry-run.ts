// POST /ivr/flows/:name/dry-run: walk a flow with given keys and return the path, using the
// same node handlers as real calls (lookups against the CRM are read-only; HTTP lookups run).
import type { Logger } from '../logger.js';
import { FlowInvalidError, FlowStateError } from './ivr.errors.js';
import type { PromptLibrary, RunnableFlow } from './ivr.ports.js';
import type { IvrService } from './ivr.service.js';
import { DryRunCall, type DryRunResult } from './runtime/dry-run.js';
import { IvrFlowRun } from './runtime/flow-run.js';
import type { CustomerDirectory } from './runtime/runtime.js';

export interface DryRunInput {
  digits: string;
  caller: string;
  called: string;
  variables: Record<string, string>;
  at?: string;
  version: 'published' | 'draft';
}

export async function dryRun(
  deps: { ivr: IvrService; prompts: PromptLibrary; customers?: CustomerDirectory; log: Logger },
  name: string,
  input: DryRunInput,
): Promise<DryRunResult & { flow: string; version: number }> {
  let flow: RunnableFlow | null;
  if (input.version === 'published') {
    flow = await deps.ivr.publishedByName(name);
    if (!flow) throw new FlowStateError(`flow "${name}" is not published; dry-run the draft with "version": "draft"`);
  } else {
    const info = await deps.ivr.get(name);
    const draft = await deps.ivr.version(name, info.latestVersion);
    const checked = await deps.ivr.check(name, draft.definition);
    if (!checked.ok) throw new FlowInvalidError(name, checked.problems);
    flow = { flowName: name, versionId: 'draft', version: draft.version, definition: checked.flow };
  }
  const call = new DryRunCall(input.digits, deps.log);
  const at = input.at ? new Date(input.at) : undefined;
  const run = new IvrFlowRun(
    { ivr: deps.ivr, prompts: deps.prompts, customers: deps.customers, now: () => at ?? new Date(), log: deps.log, textMedia: (t) => [`text:${t}`], fax: { openInbound: async () => ({ id: 'dry-run', pbxFile: 'dry-run.tif' }) } },
    flow,
    { flowVersionId: flow.versionId, node: flow.definition.entry, vars: { caller: input.caller, called: input.called, ...input.variables }, stack: [] },
  );
  await run.run(call, false);
  return { flow: name, version: flow.version, ...call.result };
}
