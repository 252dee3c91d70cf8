// At start-up: every route mounted under /api must carry an access declaration (it was
// registered through a SecureRouter). A route added with a plain express Router stops
// Hotline from starting, so no route can go unprotected by mistake.
import type { Router } from 'express';
import type { RouteDeclaration } from '../auth/permissions.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (METHOD, path) routed by `router` and the routers mounted in it (without a mount path). */
export function listRoutes(router: Router, prefix: string): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: `${prefix}${layer.route.path}` });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return out;
}

export function assertAllRoutesDeclared(router: Router, prefix: string, declared: RouteDeclaration[]): void {
  const known = new Set(declared.map((d) => `${d.method} ${d.path}`));
  const missing = listRoutes(router, prefix).filter((r) => !known.has(`${r.method} ${r.path}`));
  if (missing.length) throw new Error(`routes without an access declaration: ${missing.map((r) => `${r.method} ${r.path}`).join(', ')}`);
}
