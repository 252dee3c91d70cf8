import type { NodeHandler } from '../runtime/runtime.js';
import type { FlowNode } from '../ivr.schemas.js';

type Collect = Extract<FlowNode, { type: 'collect' }>;

/** Several digits into a variable: length and pattern checked, retried, then onExhausted. */
export const collect: NodeHandler<Collect> = {
  async exec(node, rt) {
    const prompt = await rt.media(node.prompt);
    const pattern = node.pattern ? new RegExp(`^(?:${node.pattern})$`) : null;
    for (let attempt = 0; attempt <= node.retries; attempt++) {
      const entry = await rt.ctx.collect(prompt, { ...node, terminator: node.terminator });
      if (entry !== null) await rt.ctx.consumed(entry);
      if (entry !== null && entry.length >= node.minDigits && (!pattern || pattern.test(entry))) {
        rt.vars[node.variable] = entry;
        return { next: node.next };
      }
      if (node.invalidPrompt) await rt.ctx.playAndWait(await rt.media(node.invalidPrompt));
    }
    return { next: node.onExhausted };
  },
};
