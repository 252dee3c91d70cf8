import type { NodeHandler } from '../runtime/runtime.js';
import type { FlowNode } from '../ivr.schemas.js';

type Condition = Extract<FlowNode, { type: 'condition' }>;
type Test = Condition['branches'][number]['when'];

export function holds(t: Test, vars: Record<string, string>): boolean {
  const v = vars[t.variable];
  switch (t.op) {
    case 'exists':
      return v !== undefined && v !== '';
    case 'missing':
      return v === undefined || v === '';
    case 'eq':
      return v !== undefined && v === String(t.value);
    case 'ne':
      return v !== String(t.value);
    case 'in':
      return v !== undefined && Array.isArray(t.value) && t.value.includes(v);
    case 'gt':
      return v !== undefined && Number(v) > Number(t.value);
    case 'lt':
      return v !== undefined && Number(v) < Number(t.value);
    case 'matches':
      return v !== undefined && new RegExp(String(t.value)).test(v);
  }
}

export const condition: NodeHandler<Condition> = {
  async exec(node, rt) {
    const branch = node.branches.find((b) => holds(b.when, rt.vars));
    return { next: branch ? branch.next : node.else };
  },
};
