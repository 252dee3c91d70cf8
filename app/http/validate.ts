import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses request input; a failure becomes a 400 that names every bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: 'query' | 'body' | 'path'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new ValidationError(`invalid ${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}
