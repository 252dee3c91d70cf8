// The OpenAPI 3.1 document Hotline serves at GET /api/openapi.json, generated from the route
// declarations every module registers (so it can never list a route that does not exist, or
// miss one): paths, methods, path parameters, who may call each route, and the one error shape.
// Request and response bodies are described in the README's API tables; their schemas are not
// in the document yet.
import type { RouteDeclaration } from '../auth/permissions.js';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export function openApiDocument(decls: RouteDeclaration[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of [...decls].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const path = d.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...d.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const method = d.method.toLowerCase();
    const isPublic = d.allow === 'public';
    (paths[path] ??= {})[method] = {
      operationId: `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      tags: [path.split('/')[2] ?? 'api'],
      summary: `${d.method} ${d.path}`,
      ...(params.length ? { parameters: params } : {}),
      security: isPublic ? [] : [{ bearer: [] }],
      'x-hotline-roles': isPublic ? 'public' : d.allow,
      responses: {
        '2XX': { description: 'success (JSON unless the route streams a file)' },
        '400': errorResponse('validation_failed: the body, query or path is invalid; nothing changed'),
        ...(isPublic ? {} : { '401': errorResponse('no valid token'), '403': errorResponse(`role not in ${(d.allow as string[]).join(', ')}`) }),
        '404': errorResponse('not_found'),
        '409': errorResponse('a conflict with the current state (stable code in error.code)'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hotline API', version, description: 'On-premise contact center on Asterisk 22. Errors are { error: { code, message, details? } }.' },
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
