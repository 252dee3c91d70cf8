// Runs one call through a published flow version: node after node, each step persisted
// (node, variables, sub-flow stack) before it acts, so a standby resumes exactly there.
// A node that fails sends the call to the flow's fallback; never dead air.
import type { CallFlow } from '../../calls/call-flow.js';
import { CallEnded } from '../../calls/call-session.js';
import type { Logger } from '../../logger.js';
import type { PromptLibrary, RunnableFlow } from '../ivr.ports.js';
import type { IvrService } from '../ivr.service.js';
import type { PromptRef } from '../ivr.schemas.js';
import { NODE_HANDLERS } from '../nodes/index.js';
import { render } from '../template.js';
import { promptMedia } from '../prompt-media.js';
import type { CustomerDirectory, FaxIntake, QueueRouting, FlowCall, NodeHandler, NodeResult, Runtime, VoicemailIntake } from './runtime.js';

/** What is persisted at every step (call_records.variables). */
export interface FlowState {
  flowVersionId: string;
  node: string;
  vars: Record<string, string>;
  /** Sub-flow frames: where to go on when the inner flow returns. */
  stack: Array<{ flowVersionId: string; next: string }>;
}

export interface FlowRunDeps {
  ivr: IvrService;
  prompts: PromptLibrary;
  customers?: CustomerDirectory;
  acd?: QueueRouting;
  fax?: FaxIntake;
  voicemail?: VoicemailIntake;
  now: () => Date;
  log: Logger;
  /** Dry runs describe text prompts instead of synthesizing them. */
  textMedia?: (text: string) => string[];
}

const MAX_STEPS = 10_000;

export class IvrFlowRun implements CallFlow {
  readonly name: string;
  readonly versionId: string;

  constructor(
    private readonly deps: FlowRunDeps,
    private readonly flow: RunnableFlow,
    private readonly state: FlowState,
  ) {
    this.name = flow.flowName;
    this.versionId = flow.versionId;
  }

  async run(ctx: FlowCall, answered: boolean): Promise<void> {
    if (!answered) await ctx.answer();
    let flow = this.flow;
    const state = this.state;
    const rt: Runtime = {
      ctx,
      vars: state.vars,
      language: flow.definition.language,
      log: ctx.log,
      now: this.deps.now,
      customers: this.deps.customers,
      acd: this.deps.acd,
      fax: this.deps.fax,
      voicemail: this.deps.voicemail,
      media: (ref) => this.media(ref, state.vars, flow.definition.language),
    };
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const node = flow.definition.nodes[state.node];
      if (!node) throw new Error(`flow ${flow.flowName} v${flow.version} has no node "${state.node}"`);
      state.flowVersionId = flow.versionId;
      await ctx.step(state.stack.length ? `${flow.flowName}/${state.node}` : state.node, state);
      let result: NodeResult;
      try {
        const handler = NODE_HANDLERS[node.type] as NodeHandler;
        result = await handler.exec(node, rt);
      } catch (err) {
        if (err instanceof CallEnded) throw err;
        ctx.log.error({ flow: flow.flowName, version: flow.version, node: state.node, err: (err as Error).message }, 'IVR node failed; taking the flow fallback');
        return this.fallback(ctx, flow, rt);
      }
      if ('next' in result && !('subflow' in result)) {
        state.node = result.next;
      } else if ('subflow' in result) {
        const inner = await this.deps.ivr.publishedByName(result.subflow);
        if (!inner) {
          ctx.log.error({ flow: flow.flowName, subflow: result.subflow }, 'sub-flow is not published; taking the flow fallback');
          return this.fallback(ctx, flow, rt);
        }
        state.stack.push({ flowVersionId: flow.versionId, next: result.next });
        flow = inner;
        state.node = inner.definition.entry;
      } else if (result.end === 'return' && state.stack.length) {
        const frame = state.stack.pop()!;
        flow = await this.deps.ivr.loadVersion(frame.flowVersionId);
        state.node = frame.next;
      } else {
        if (result.end === 'return') await ctx.hangup();
        return;
      }
      rt.language = flow.definition.language;
    }
    throw new Error(`flow ${flow.flowName} ran ${MAX_STEPS} steps`);
  }

  /** The flow's fallback: its apology, then its queue; without one, the dialplan's fallback. */
  private async fallback(ctx: FlowCall, flow: RunnableFlow, rt: Runtime): Promise<void> {
    const fb = flow.definition.fallback;
    await ctx.step('fallback', this.state);
    if (fb.prompt) await ctx.playAndWait(await rt.media(fb.prompt)).catch((err: unknown) => {
      if (err instanceof CallEnded) throw err;
    });
    if (fb.queue) return ctx.handOff({ context: 'hotline-queue', extension: 's' }, { HOTLINE_QUEUE: fb.queue });
    if (fb.prompt) return ctx.hangup();
    return ctx.handBack();
  }

  private async media(ref: PromptRef, vars: Record<string, string>, language: 'en' | 'zh'): Promise<string[]> {
    if (!('text' in ref)) return promptMedia(this.deps.prompts, ref, language);
    const text = render(ref.text, vars);
    if (this.deps.textMedia) return this.deps.textMedia(text);
    return promptMedia(this.deps.prompts, { text }, language);
  }
}
