// Request input: parsed with zod, a failure is a 400 that names every bad field.
//
// A route declares the schemas of its input next to who may call it
// (`r.post('/customers', { ...WRITE, body: createCustomerBody }, handler)`), and its handler
// reads the input with `input(req, 'body', createCustomerBody)`. The OpenAPI document is
// generated from those declarations, and `input` refuses (a 500, a bug) a schema the route did
// not declare: the schema that validates is the schema that is documented.
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';

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

/** Parses request input; a failure becomes a 400 that names every bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: InputPart): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new ValidationError(`invalid ${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}

const declared = new WeakMap<object, { route: string; input: RouteInput }>();

/** Called by the SecureRouter in front of a route's handlers. */
export function declareInput(req: Request, route: string, input: RouteInput): void {
  declared.set(req, { route, input });
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
