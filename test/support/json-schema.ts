// A small JSON Schema (2020-12) checker for tests that act as a client reading Hotline's
// OpenAPI document: it knows the keywords the document uses (type, enum, const, properties,
// required, additionalProperties, items, lengths, pattern, bounds, anyOf/oneOf/allOf,
// format uuid) and throws on any other keyword that constrains, so a test can never pass
// because a keyword was silently ignored.
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['default', 'description', 'title', 'examples', 'propertyNames', 'format', 'deprecated', 'readOnly', 'writeOnly', '$id', '$schema']);
const KNOWN = new Set([
  ...ANNOTATIONS, 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'anyOf', 'oneOf', 'allOf',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The problems of `value` against `schema` (empty: valid). */
export function schemaProblems(schema: Schema, value: unknown, at = '$'): string[] {
  const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new Error(`${at}: the test's schema checker does not know ${unknown.join(', ')}`);
  const out: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${at}: ${t}, expected ${types.join('|')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (t === 'string') {
    const s = value as string;
    const len = [...s].length;
    if (typeof schema.minLength === 'number' && len < schema.minLength) out.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && len > schema.maxLength) out.push(`${at}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(s)) out.push(`${at}: does not match ${schema.pattern}`);
    if (schema.format === 'uuid' && !UUID.test(s)) out.push(`${at}: not a uuid`);
  }
  if (t === 'integer' || t === 'number') {
    const n = value as number;
    if (typeof schema.minimum === 'number' && n < schema.minimum) out.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && n > schema.maximum) out.push(`${at}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && n <= schema.exclusiveMinimum) out.push(`${at}: not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && n >= schema.exclusiveMaximum) out.push(`${at}: not below ${schema.exclusiveMaximum}`);
  }
  if (t === 'array') {
    const a = value as unknown[];
    if (typeof schema.minItems === 'number' && a.length < schema.minItems) out.push(`${at}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && a.length > schema.maxItems) out.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items && typeof schema.items === 'object') a.forEach((x, i) => out.push(...schemaProblems(schema.items as Schema, x, `${at}[${i}]`)));
  }
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in o)) out.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(o)) {
      if (props[k]) out.push(...schemaProblems(props[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: not allowed (additionalProperties: false)`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.push(...schemaProblems(schema.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  if (schema.allOf) for (const s of schema.allOf as Schema[]) out.push(...schemaProblems(s, value, at));
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => schemaProblems(s, value, at).length === 0)) out.push(`${at}: matches none of anyOf`);
  if (schema.oneOf && (schema.oneOf as Schema[]).filter((s) => schemaProblems(s, value, at).length === 0).length !== 1) out.push(`${at}: does not match exactly one of oneOf`);
  return out;
}
