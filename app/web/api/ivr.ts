// IVR flows, their versions and the number → flow map (docs/api/ivr.md): the admin console's IVR tab.
import { request } from './client';
import type { FlowSummary } from '@server/ivr/ivr.service';
import type { FlowProblem } from '@server/ivr/flow-validate';
import type { DryRunResult } from '@server/ivr/runtime/dry-run';

export { flowName, nodeId, flowNode, numberParams } from '@server/ivr/ivr.schemas';
export { edgesOf } from '@server/ivr/flow-graph';
export type { FlowNode, NodeType, FlowDefinition } from '@server/ivr/ivr.schemas';

/** The server's own shapes (type-only: nothing of the server is bundled); dates arrive as strings. */
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type FlowRow = Json<FlowSummary>;
export interface FlowVersionRow { version: number; status: 'draft' | 'published' | 'superseded'; createdAt: string; publishedAt: string | null }
export type FlowDetail = FlowRow & { versions: FlowVersionRow[] };
export type Problem = FlowProblem;
export type DryRun = DryRunResult & { flow: string; version: number };
export interface NumberRow { number: string; flow: string; runBy: 'dialplan' | 'app' }

const at = (name: string) => `/api/ivr/flows/${encodeURIComponent(name)}`;

export const ivrApi = {
  flows: () => request<{ items: FlowRow[] }>('GET', '/api/ivr/flows'),
  flow: (name: string) => request<FlowDetail>('GET', at(name)),
  create: (name: string, description: string, definition: unknown) => request<FlowRow>('POST', '/api/ivr/flows', { name, description, definition }),
  version: (name: string, version: number) => request<{ version: number; status: string; definition: unknown }>('GET', `${at(name)}/versions/${version}`),
  saveDraft: (name: string, definition: unknown, description?: string) => request<{ version: number }>('PUT', `${at(name)}/draft`, { definition, ...(description === undefined ? {} : { description }) }),
  validate: (name: string) => request<{ version: number; ok: boolean; problems: Problem[] }>('POST', `${at(name)}/validate`),
  publish: (name: string) => request<{ version: number }>('POST', `${at(name)}/publish`),
  rollback: (name: string, version: number) => request<{ version: number }>('POST', `${at(name)}/rollback`, { version }),
  makeDefault: (name: string) => request<void>('POST', `${at(name)}/default`),
  dryRun: (name: string, body: { digits: string; caller?: string; version: 'published' | 'draft' }) => request<DryRun>('POST', `${at(name)}/dry-run`, body),
  numbers: () => request<{ items: NumberRow[] }>('GET', '/api/ivr/numbers'),
  mapNumber: (number: string, flow: string) => request<{ number: string; flow: string }>('PUT', `/api/ivr/numbers/${encodeURIComponent(number)}`, { flow }),
  unmapNumber: (number: string) => request<void>('DELETE', `/api/ivr/numbers/${encodeURIComponent(number)}`),
};
