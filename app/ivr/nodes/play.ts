import type { NodeHandler, Runtime } from '../runtime/runtime.js';
import type { FlowNode } from '../ivr.schemas.js';
import { render } from '../template.js';

type Play = Extract<FlowNode, { type: 'play' }>;

/** Media for `say`: digits, a number, or a date (weekday, month, day, year). */
export function sayMedia(say: NonNullable<Play['say']>, rt: Runtime): string[] {
  const value = render(say.value, rt.vars).trim();
  if (say.kind === 'digits') return /^[0-9*#]+$/.test(value) ? [`digits:${value}`] : [];
  if (say.kind === 'number') return /^-?\d{1,12}$/.test(value) ? [`number:${value}`] : [];
  const d = new Date(value.length === 10 ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return [];
  return [`sound:digits/day-${d.getUTCDay()}`, `sound:digits/mon-${d.getUTCMonth()}`, `number:${d.getUTCDate()}`, `number:${d.getUTCFullYear()}`];
}

export const play: NodeHandler<Play> = {
  async exec(node, rt) {
    const media = [...(node.prompt ? await rt.media(node.prompt) : []), ...(node.say ? sayMedia(node.say, rt) : [])];
    if (media.length) await rt.ctx.playAndWait(media);
    return { next: node.next };
  },
};
