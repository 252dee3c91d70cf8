import type { NodeHandler } from '../runtime/runtime.js';
import type { FlowNode } from '../ivr.schemas.js';

type Menu = Extract<FlowNode, { type: 'menu' }>;

/** Prompt, one key; invalid key or timeout replays (with their prompts) until retries run out. */
export const menu: NodeHandler<Menu> = {
  async exec(node, rt) {
    const prompt = await rt.media(node.prompt);
    for (let attempt = 0; attempt <= node.retries; attempt++) {
      const digit = await rt.ctx.promptForDigit(prompt, node.timeoutMs, node.bargeIn);
      if (digit === null) {
        rt.log.debug({ attempt }, 'menu: no key in time');
        if (node.timeoutPrompt) await rt.ctx.playAndWait(await rt.media(node.timeoutPrompt));
        continue;
      }
      await rt.ctx.consumed(digit);
      const target = node.options[digit];
      if (target) return { next: target };
      if (node.invalidPrompt) await rt.ctx.playAndWait(await rt.media(node.invalidPrompt));
    }
    return { next: node.onExhausted };
  },
};
