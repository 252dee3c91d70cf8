// The OpenAPI 3.1 document Hotline serves at GET /api/openapi.json, generated from the route
// declarations every module registers (so it can never list a route that does not exist, or
// miss one): paths, methods, who may call each route, the one error shape, and the input of
// each route as JSON Schema (2020-12, the dialect of OpenAPI 3.1) generated from the very zod
// schemas the route validates with (see http/validate): request bodies, query parameters and
// path parameters. File uploads are described by their media types.
// Response bodies are described in the route tables of docs/api/; their schemas are not in the
// document.
import { z } from 'zod';
import type { DocumentedRoute } from '../auth/permissions.js';

type JsonSchema = Record<string, unknown>;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** JSON Schema of what a client sends (defaults make a field optional; transforms are not described). */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/** One parameter per property of an object schema (query string, path). */
function parametersOf(schema: z.ZodType, where: 'path' | 'query', route: string): Parameter[] {
  const json = inputJsonSchema(schema);
  const props = json.properties as Record<string, JsonSchema> | undefined;
  if (json.type !== 'object' || !props) throw new Error(`${route}: the ${where} schema must be an object of named parameters`);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || required.has(name), ...(typeof description === 'string' ? { description } : {}), schema: rest };
  });
}

function operation(d: DocumentedRoute, path: string): Record<string, unknown> {
  const method = d.method.toLowerCase();
  const isPublic = d.allow === 'public';
  const where = `${d.method} ${d.path}`;
  const names = [...d.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const typed = d.input.params ? parametersOf(d.input.params, 'path', where) : [];
  const stray = typed.filter((p) => !names.includes(p.name));
  if (stray.length) throw new Error(`${where}: the params schema names ${stray.map((p) => p.name).join(', ')}, which the path does not have`);
  const params: Parameter[] = [
    ...names.map((name) => typed.find((p) => p.name === name) ?? { name, in: 'path' as const, required: true, schema: { type: 'string' } }),
    ...(d.input.query ? parametersOf(d.input.query, 'query', where) : []),
  ];
  let requestBody: Record<string, unknown> | undefined;
  if (d.input.body) {
    requestBody = { required: !d.input.bodyOptional, content: { 'application/json': { schema: inputJsonSchema(d.input.body) } } };
  } else if (d.input.upload) {
    requestBody = {
      required: true,
      description: d.input.upload.description,
      content: Object.fromEntries(d.input.upload.contentTypes.map((t) => [t, {}])),
    };
  }
  return {
    operationId: `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [path.split('/')[2] ?? 'api'],
    summary: `${d.method} ${d.path}`,
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    security: isPublic ? [] : [{ bearer: [] }],
    'x-hotline-roles': isPublic ? 'public' : d.allow,
    responses: {
      '2XX': { description: 'success (JSON unless the route streams a file)' },
      '400': errorResponse('validation_failed: the body, query or path is invalid; nothing changed'),
      ...(isPublic ? {} : { '401': errorResponse('no valid token'), '403': errorResponse(`role not in ${(d.allow as string[]).join(', ')}`) }),
      '404': errorResponse('not_found'),
      '409': errorResponse('a conflict with the current state (stable code in error.code)'),
      ...(requestBody ? { '413': errorResponse('the body is larger than the route accepts') } : {}),
    },
  };
}

export function openApiDocument(decls: DocumentedRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of [...decls].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const path = d.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[d.method.toLowerCase()] = operation(d, path);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Hotline API',
      version,
      description:
        'On-premise contact center on Asterisk 22. Errors are { error: { code, message, details? } }. ' +
        'Request bodies, query and path parameters are the JSON Schemas of the zod schemas the server validates with: ' +
        'a body the schema accepts is accepted (unless the state of the data refuses it), one it refuses is a 400 validation_failed. ' +
        'Query values arrive as strings and are coerced to the type shown.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a session token (POST /api/auth/login) or an API key (hlk_…)' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
    paths,
  };
}
