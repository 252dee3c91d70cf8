// Test cases generated from Hotline's OpenAPI document, as a client reading it would make
// them: every operation with a concrete URL (typed path values), and every string field of a
// JSON body or query string, so a rule about input can be checked on every route that exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from './api.js';
import type { TestDb } from './db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from './hotline.js';
import { schemaProblems } from './json-schema.js';
import { freePort } from './ports.js';

export type Schema = Record<string, any>;
export interface Parameter { name: string; in: 'path' | 'query'; required: boolean; schema: Schema }
export interface Operation { parameters?: Parameter[]; requestBody?: { required: boolean; content: Record<string, { schema?: Schema }> }; 'x-hotline-roles': unknown }
export interface OpenApiDoc { openapi: string; paths: Record<string, Record<string, Operation>> }

export function operations(doc: OpenApiDoc): Array<{ path: string; method: string; o: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, o]) => ({ path, method, o })));
}

/** A value for a path parameter, chosen from what the document says it is. */
export function pathValue(p: Parameter): string {
  const s = p.schema;
  if (s.enum) return String(s.enum[0]);
  if (s.type === 'integer') return String(s.minimum ?? 1);
  const fit = ['00000000-0000-4000-8000-000000000000', 'zz-openapi-test', '000999'].find((v) => schemaProblems(s, v).length === 0);
  if (!fit) throw new Error(`no test value fits path parameter ${p.name}: ${JSON.stringify(s)}`);
  return fit;
}

/** The operation's path with a typed value in every path parameter. */
export function concrete(path: string, o: Operation): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(pathValue(o.parameters!.find((p) => p.in === 'path' && p.name === name)!)));
}

const typesOf = (s: Schema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/**
 * Every place a JSON document valid-shaped for `schema` can carry a string, as a path of
 * keys and array indexes (['phones', 0], ['customFields', 'k']). Follows properties, items,
 * records (additionalProperties), anyOf/oneOf/allOf and local $refs, to a bounded depth.
 */
export function stringFields(schema: Schema, root: Schema = schema, at: Array<string | number> = [], depth = 0, out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (depth > 8) return out;
  const key = (p: Array<string | number>) => JSON.stringify(p);
  const add = (p: Array<string | number>) => {
    if (!out.some((q) => key(q) === key(p))) out.push(p);
  };
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.replace(/^#\//, '').split('/').reduce((s: Schema | undefined, k: string) => s?.[k], root);
    if (target) stringFields(target, root, at, depth + 1, out);
  }
  if (typesOf(schema).includes('string') || (schema.enum ?? []).some((v: unknown) => typeof v === 'string')) add(at);
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) stringFields(branch, root, at, depth + 1, out);
  for (const [k, s] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) stringFields(s, root, [...at, k], depth + 1, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') stringFields(schema.additionalProperties, root, [...at, 'k'], depth + 1, out);
  if (schema.items && typeof schema.items === 'object') stringFields(schema.items, root, [...at, 0], depth + 1, out);
  return out;
}

/** A JSON value that holds `value` at `path` (and nothing else). */
export function valueAt(path: Array<string | number>, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, k) => (typeof k === 'number' ? [inner] : { [k]: inner }), value);
}

/** Hotline on `db` with no Asterisk reachable (nothing listens on its ARI/AMI port), and its OpenAPI document. */
export async function startWithoutPbx(db: TestDb): Promise<{ hotline: HotlineProcess; doc: OpenApiDoc; stop(): Promise<void> }> {
  const prompts = mkdtempSync(join(tmpdir(), 'hotline-openapi-prompts-'));
  const dead = String(await freePort());
  const hotline = await startHotline({ ...db.env, HOTLINE_ARI_URL: `http://127.0.0.1:${dead}`, HOTLINE_AMI_PORT: dead, HOTLINE_PROMPTS_DIR: prompts }, { waitForPbx: false });
  const res = await api(hotline.url, 'GET', '/api/openapi.json', undefined, null);
  if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  return {
    hotline,
    doc: res.body as OpenApiDoc,
    async stop() {
      await stopAllHotlines();
      rmSync(prompts, { recursive: true, force: true });
    },
  };
}
