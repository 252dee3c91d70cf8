// One small handler per node type.
import type { FlowNode, NodeType } from '../ivr.schemas.js';
import type { NodeHandler } from '../runtime/runtime.js';
import { collect } from './collect.js';
import { condition } from './condition.js';
import { lookup } from './lookup.js';
import { menu } from './menu.js';
import { play } from './play.js';
import { fax, hangup, hours, queue, returnFromSubflow, set, subflow, transfer, voicemail } from './simple.js';

export const NODE_HANDLERS: { [T in NodeType]: NodeHandler<Extract<FlowNode, { type: T }>> } = {
  play,
  menu,
  collect,
  lookup,
  condition,
  hours,
  set,
  transfer,
  queue,
  voicemail,
  fax,
  hangup,
  subflow,
  return: returnFromSubflow,
};
