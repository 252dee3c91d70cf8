// Request input: parsed with zod, a failure is a 400 that names every bad field.
//
// A route declares the schemas of its input next to who may call it
// (`r.post('/customers', { ...WRITE, body: createCustomerBody }, handler)`), and its handler
// reads the input with `input(req, 'body', createCustomerBody)`. The OpenAPI document is
// generated from those declarations, and `input` refuses (a 500, a bug) a schema the route did
// not declare: the schema that validates is the schema that is documented.
// Rules every route follows whatever it declares: no NUL or unpaired surrogate in any string
// of its input (refuseBadText), no unknown query parameter or body field (query and object
// body schemas must be strict, checked at registration; no query schema means no query).
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { inputJsonSchema } from './openapi.js';

export type InputPart = 'body' | 'query' | 'path';

/** What a route declares about its input (all optional). */
export interface RouteInput {
  /** The JSON body's schema. */
  body?: z.ZodType;
  /** The route also takes no body at all (read as {}), e.g. optional review notes. */
  bodyOptional?: true;
  /** The query string's schema (values arrive as strings; the schema coerces). */
  query?: z.ZodType;
  /** The path parameters' schema. */
  params?: z.ZodType;
  /** The body is a file, not JSON: its media types (e.g. ['audio/wav'] or ['*\/*']). */
  upload?: { contentTypes: string[]; description: string };
}

/** Why `s` is not text Hotline stores, or null: NUL and unpaired UTF-16 surrogates (not valid UTF-8). */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';
  return null;
}

/**
 * The one text rule, for every request input (body, query, path), whatever its schema: every
 * string in it, and every object key, is refused (400, naming the field) when it holds a NUL
 * or an unpaired surrogate. Walks without recursion (a deeply nested body cannot overflow the
 * stack) and reports at most 20 fields.
 */
export function refuseBadText(value: unknown, where: InputPart): void {
  const problems: Array<{ field: string; message: string }> = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length && problems.length < 20) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) problems.push({ field: path || where, message: p });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], path ? `${path}.${i}` : String(i)]);
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, child] of Object.entries(v).reverse()) {
        const keyProblem = textProblem(k);
        if (keyProblem) problems.push({ field: path || where, message: `a key ${keyProblem}` });
        else stack.push([child, path ? `${path}.${k}` : k]);
      }
    }
  }
  if (problems.length) throw new ValidationError(`invalid ${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}

/** Parses request input; a failure becomes a 400 that names every bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: InputPart): z.infer<S> {
  refuseBadText(input, where);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new ValidationError(`invalid ${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}

/** Whether an object schema refuses fields it does not name (z.strictObject: `additionalProperties: false`). */
export function refusesUnknownFields(schema: z.ZodType): boolean {
  const json = inputJsonSchema(schema);
  return json.type === 'object' && json.additionalProperties === false;
}

/** Why a route's declared input would ignore fields it does not name, or null. */
export function openInputProblem(input: RouteInput): string | null {
  if (input.query && !refusesUnknownFields(input.query)) return 'the query schema must refuse unknown parameters (z.strictObject), so a misspelt parameter gets 400 instead of being ignored';
  if (input.body && inputJsonSchema(input.body).type === 'object' && !refusesUnknownFields(input.body)) return 'the body schema must refuse unknown fields (z.strictObject)';
  return null;
}

const declared = new WeakMap<object, { route: string; input: RouteInput }>();

/**
 * Called by the SecureRouter in front of a route's handlers: records what the route declared,
 * and applies the text rule to everything the request brought (body, query, path), read by
 * the handler or not (an undeclared query still lands in the audit log, say).
 */
export function declareInput(req: Request, route: string, input: RouteInput): void {
  declared.set(req, { route, input });
  refuseBadText(req.params, 'path');
  refuseBadText(req.query, 'query');
  refuseBadText(req.body, 'body');
  // A route that declares no query takes none: a parameter it would ignore is a 400, as on
  // routes whose query schema is strict (enforced at registration).
  const stray = input.query ? [] : Object.keys(req.query ?? {});
  if (stray.length) {
    throw new ValidationError(`invalid query: ${route} takes no query parameters (got ${stray.join(', ')})`, stray.map((k) => ({ field: k, message: 'unknown query parameter' })));
  }
}

const KEY: Record<InputPart, 'body' | 'query' | 'params'> = { body: 'body', query: 'query', path: 'params' };

/**
 * The route's body, query or path parameters, parsed with `schema`, which must be the schema
 * the route declared for that part. `raw` overrides what is parsed (default: req.body,
 * req.query, req.params; a missing body is {} when the route declared `bodyOptional`).
 */
export function input<S extends z.ZodType>(req: Request, where: InputPart, schema: S, ...raw: [unknown?]): z.infer<S> {
  const d = declared.get(req);
  if (!d || d.input[KEY[where]] !== schema) {
    throw new Error(`${d?.route ?? `${req.method} ${req.originalUrl}`}: reads its ${where} with a schema the route does not declare (declare it next to the route's roles)`);
  }
  let value: unknown = raw.length ? raw[0] : req[KEY[where]];
  if (where === 'body' && value === undefined && d.input.bodyOptional) value = {};
  return parse(schema, value, where);
}
