// The edges and prompts of one IVR node, as plain data: what the validator walks and what the
// admin console draws. No I/O, no knowledge of the other nodes.
import type { FlowNode, PromptRef } from './ivr.schemas.js';

export interface FlowEdge {
  /** Human label: `option "3"`, `onExhausted`, `next`, `branch 2` (1-based), `else`, `open` ... */
  label: string;
  /** The node id this edge leads to (it may not exist: the validator reports that). */
  target: string;
  /** True when the edge is taken only because the caller pressed keys; false when a silent caller can follow it. */
  input: boolean;
  /** Path of the edge inside the node, e.g. `options.3`, `branches.1.next`. */
  field: string;
}

export interface PromptUse {
  /** `prompt`, `invalidPrompt` or `timeoutPrompt`. */
  field: string;
  ref: PromptRef;
}

/** Every outgoing edge of a node, in a stable order (the order the node declares them). */
export function edgesOf(node: FlowNode): FlowEdge[] {
  const edge = (label: string, target: string, input: boolean, field = label): FlowEdge => ({ label, target, input, field });
  switch (node.type) {
    case 'play':
    case 'set':
    case 'subflow':
      return [edge('next', node.next, false)];
    case 'menu':
      return [
        ...Object.entries(node.options).map(([key, target]) => edge(`option "${key}"`, target, true, `options.${key}`)),
        edge('onExhausted', node.onExhausted, false),
      ];
    case 'collect':
      return [edge('next', node.next, true), edge('onExhausted', node.onExhausted, false)];
    case 'lookup':
      return [
        edge('found', node.found, false),
        edge('notFound', node.notFound, false),
        ...(node.onError === undefined ? [] : [edge('onError', node.onError, false)]),
      ];
    case 'condition':
      return [
        ...node.branches.map((b, i) => edge(`branch ${i + 1}`, b.next, false, `branches.${i}.next`)),
        edge('else', node.else, false),
      ];
    case 'hours':
      return [edge('open', node.open, false), edge('closed', node.closed, false)];
    case 'voicemail':
      return node.next === undefined ? [] : [edge('next', node.next, false)];
    case 'queue':
      return node.noAgents === undefined ? [] : [edge('noAgents', node.noAgents, false)];
    case 'transfer':
    case 'fax':
    case 'hangup':
    case 'return':
      return [];
  }
}

/** Every prompt a node plays, with the field it sits in. */
export function promptUsesOf(node: FlowNode): PromptUse[] {
  const uses: PromptUse[] = [];
  const add = (field: string, ref: PromptRef | undefined): void => {
    if (ref !== undefined) uses.push({ field, ref });
  };
  if ('prompt' in node) add('prompt', node.prompt);
  if ('invalidPrompt' in node) add('invalidPrompt', node.invalidPrompt);
  if ('timeoutPrompt' in node) add('timeoutPrompt', node.timeoutPrompt);
  return uses;
}

/** Every PromptRef a node uses (prompt, invalidPrompt, timeoutPrompt). */
export function promptsOf(node: FlowNode): PromptRef[] {
  return promptUsesOf(node).map((u) => u.ref);
}

/** True when the call leaves the flow at this node: transfer, queue, fax, hangup, voicemail without next. */
export function isTerminal(node: FlowNode): boolean {
  switch (node.type) {
    case 'transfer':
    case 'queue':
    case 'fax':
    case 'hangup':
    case 'return':
      return true;
    case 'voicemail':
      return node.next === undefined;
    default:
      return false;
  }
}
