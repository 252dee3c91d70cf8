// Wires the auth module from explicit dependencies. The lead mounts `router` under /api,
// puts `middleware` in front of every /api router, and builds the other modules' routers
// with `secureRouter()` so that all routes land in the one `registry`.
import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import { bearerToken, registerAuthRoutes } from './auth.http.js';
import { AuthService } from './auth.service.js';
import { LdapDirectory, type LdapOptions } from './ldap.js';
import { RouteRegistry, SecureRouter, resolvePrincipal, type Authenticator, type Role } from './permissions.js';
import { RateLimiter } from './rate-limit.js';
import { logFailure } from '../log-failure.js';

export interface AuthModuleDeps {
  db: DataSource;
  log: Logger;
  /** LDAP login; without it only local users exist. */
  ldap?: LdapOptions;
  /** Roles that must use TOTP (e.g. ['admin']). */
  requireTotpFor?: Role[];
  sessionTtlMs: number;
  /** Failed logins in a row before a lock (default 5) and the lock's length (default 15 min). */
  lockout?: { maxFailedAttempts?: number; lockoutMs?: number };
  /** POST /auth/login attempts per IP + username (default 10 per 60 s). */
  loginRateLimit?: { max: number; windowMs: number };
  totpIssuer?: string;
  /** Where routers are mounted, for the registry (default /api). */
  mount?: string;
  /** Test clock. */
  now?: () => number;
}

export function createAuthModule(deps: AuthModuleDeps) {
  const log = deps.log.child({ module: 'auth' });
  const directory = deps.ldap ? new LdapDirectory(deps.ldap, log) : null;
  const service = new AuthService(deps.db, log, directory, {
    sessionTtlMs: deps.sessionTtlMs,
    requireTotpFor: deps.requireTotpFor,
    maxFailedAttempts: deps.lockout?.maxFailedAttempts,
    lockoutMs: deps.lockout?.lockoutMs,
    totpIssuer: deps.totpIssuer,
    now: deps.now,
  });
  const registry = new RouteRegistry();
  const authenticate: Authenticator = (req) => service.authenticate(bearerToken(req));
  /** A router for any module: its routes must carry an access declaration. */
  const secureRouter = () => new SecureRouter({ registry, authenticate, mount: deps.mount ?? '/api', audit: (entry) => service.audit(entry).catch(logFailure(log, 'writing an audit entry', { level: 'error', context: { action: entry.action, actor: entry.actor } })) });
  /** Resolves the bearer token once per request (never rejects by itself; the route guards do). */
  const middleware: RequestHandler = async (req, _res, next) => {
    await resolvePrincipal(req, authenticate);
    next();
  };
  const limiter = new RateLimiter({ max: deps.loginRateLimit?.max ?? 10, windowMs: deps.loginRateLimit?.windowMs ?? 60_000, now: deps.now });
  const routes = secureRouter();
  registerAuthRoutes(routes, service, limiter);
  // Every route and who may call it (the permission matrix test is generated from this).
  routes.get('/auth/routes', { allow: ['admin'] }, (_req, res) => {
    res.json({ items: registry.routeDeclarations() });
  });
  if (directory) log.info({ ldap: directory.describe() }, 'LDAP login enabled');
  return { service, router: routes.router, middleware, registry, secureRouter, authenticate };
}

export type AuthModule = ReturnType<typeof createAuthModule>;
export { requireRole, principalOf, ROLES, type Role, type Principal, type Access, type RouteDeclaration } from './permissions.js';
export type { LdapOptions } from './ldap.js';
