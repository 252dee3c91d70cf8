// The single place where access is declared and checked.
//
// Every route of the API is registered on a SecureRouter with a declaration:
//   r.get('/calls', { allow: ['admin', 'supervisor', 'agent', 'readonly'] }, handler)
//   r.post('/auth/login', { public: true }, handler)
// A route without a declaration throws when it is registered (at startup). Each declaration
// lands in the RouteRegistry (path as mounted, e.g. /api/calls) and a guard in front of the
// handlers enforces it: 401 without a valid token, 403 with a role not in `allow`.
import { Router, type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { declareInput, openInputProblem, type RouteInput } from '../http/validate.js';
import { ForbiddenError, PasswordChangeRequiredError, TotpEnrolmentRequiredError, UnauthenticatedError } from './auth.errors.js';

import { ROLES, type Role } from './auth.roles.js';

export { ROLES, type Role };
/** Higher is more powerful; used to pick one role from several directory groups. */
export const ROLE_RANK: Record<Role, number> = { admin: 4, supervisor: 3, agent: 2, readonly: 1 };
export const ANY_ROLE: readonly Role[] = ROLES;

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function highestRole(roles: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const r of roles) if (best === null || ROLE_RANK[r] > ROLE_RANK[best]) best = r;
  return best;
}

/** Who is calling: a signed-in user (session) or an API key. */
export interface Principal {
  kind: 'user' | 'api_key';
  /** users.id or api_keys.id */
  id: string;
  /** The audit actor: the username, or `api-key:<name>`. */
  name: string;
  role: Role;
  sessionId?: string;
  /** The session may only finish TOTP enrolment (the role requires TOTP, none enrolled yet). */
  totpEnrolmentPending?: boolean;
  /** The user must choose their own password first (a generated or admin-set one). */
  passwordChangePending?: boolean;
}

/** Who may call a route, and the schemas of its input (body, query, path; see http/validate). */
export type Access = (
  | { public: true }
  | {
      allow: readonly Role[];
      /** Also reachable by a session still waiting for its TOTP enrolment (me, enrol, logout). */
      duringTotpEnrolment?: boolean;
      /** Also reachable while the user must still choose their own password (me, change it, logout). */
      duringPasswordChange?: boolean;
      /** Writes an audit entry with this action when the request succeeds (config changes, exports,
       *  a supervisor acting on an agent: its validated body is recorded too). */
      audit?: 'config.change' | 'export' | 'supervisor.action';
    }
) &
  RouteInput;

export interface RouteDeclaration {
  method: string;
  path: string;
  allow: Role[] | 'public';
}

/** A declaration with its input schemas, for the OpenAPI document. */
export interface DocumentedRoute extends RouteDeclaration {
  input: RouteInput;
}

export type Authenticator = (req: Request) => Promise<Principal | null>;

/** Every declared route, for the OpenAPI document, an admin page and tests. */
export class RouteRegistry {
  private readonly declarations: DocumentedRoute[] = [];

  add(decl: DocumentedRoute): void {
    if (this.declarations.some((d) => d.method === decl.method && d.path === decl.path)) {
      throw new Error(`${decl.method} ${decl.path} is declared twice`);
    }
    this.declarations.push(decl);
  }

  routeDeclarations(): RouteDeclaration[] {
    return this.declarations.map((d) => ({ method: d.method, path: d.path, allow: d.allow === 'public' ? 'public' : [...d.allow] }));
  }

  /** The declarations with their input schemas (what the OpenAPI document is made from). */
  documentedRoutes(): DocumentedRoute[] {
    return this.declarations.map((d) => ({ ...d, allow: d.allow === 'public' ? 'public' : [...d.allow], input: { ...d.input } }));
  }
}

const resolving = new WeakMap<Request, Promise<Principal | null>>();
const resolved = new WeakMap<Request, Principal>();

/** Authenticates a request once (cached per request); null when no valid token was sent. */
export function resolvePrincipal(req: Request, authenticate: Authenticator): Promise<Principal | null> {
  let p = resolving.get(req);
  if (!p) {
    p = authenticate(req).then((principal) => {
      if (principal) resolved.set(req, principal);
      return principal;
    });
    resolving.set(req, p);
  }
  return p;
}

/** The caller of a guarded (non-public) route; throws when the route was not guarded. */
export function principalOf(req: Request): Principal {
  const p = resolved.get(req);
  if (!p) throw new UnauthenticatedError();
  return p;
}

/** The caller if one authenticated (for public routes that behave differently when signed in). */
export function maybePrincipalOf(req: Request): Principal | null {
  return resolved.get(req) ?? null;
}

/**
 * For WebSocket upgrades and any other non-route check: throws 401 without a principal and
 * 403 when its role is not one of `roles`.
 */
export function requireRole(principal: Principal | null | undefined, ...roles: Role[]): Principal {
  if (!principal) throw new UnauthenticatedError();
  if (principal.passwordChangePending) throw new PasswordChangeRequiredError();
  if (principal.totpEnrolmentPending) throw new TotpEnrolmentRequiredError();
  if (!roles.includes(principal.role)) throw new ForbiddenError(`role ${principal.role} is not allowed; needs one of: ${roles.join(', ')}`);
  return principal;
}

function validateAccess(access: unknown, where: string): Access {
  if (typeof access !== 'object' || access === null || typeof access === 'function') {
    throw new Error(`${where}: no access declaration; pass { allow: [roles] } or { public: true } before the handler`);
  }
  const a = access as Record<string, unknown>;
  for (const part of ['body', 'query', 'params'] as const) {
    const s = a[part] as { safeParse?: unknown } | undefined;
    if (s !== undefined && typeof s?.safeParse !== 'function') throw new Error(`${where}: ${part} must be a zod schema`);
  }
  if (a.upload !== undefined && a.body !== undefined) throw new Error(`${where}: a route takes a JSON body or an upload, not both`);
  const open = openInputProblem(a as RouteInput);
  if (open) throw new Error(`${where}: ${open}`);
  if (a.public === true && a.allow === undefined) return a as unknown as Access;
  const auditOk = a.audit === undefined || a.audit === 'config.change' || a.audit === 'export' || a.audit === 'supervisor.action';
  if (Array.isArray(a.allow) && a.allow.length > 0 && a.allow.every(isRole) && a.public === undefined && auditOk) return a as unknown as Access;
  throw new Error(`${where}: invalid access declaration ${JSON.stringify(access)}; allow must list roles from ${ROLES.join(', ')}`);
}

/** The guard in front of a route's handlers. */
export function guard(access: Access, authenticate: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const principal = await resolvePrincipal(req, authenticate);
    if ('public' in access) return next();
    let failure: AppError | null = null;
    if (!principal) failure = new UnauthenticatedError();
    else if (principal.passwordChangePending && !access.duringPasswordChange) failure = new PasswordChangeRequiredError();
    else if (principal.totpEnrolmentPending && !access.duringTotpEnrolment) failure = new TotpEnrolmentRequiredError();
    else if (!access.allow.includes(principal.role)) failure = new ForbiddenError(`role ${principal.role} may not ${req.method} ${req.baseUrl}${req.path}`);
    if (!failure) return next();
    if (failure.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(failure.status).json({ error: { code: failure.code, message: failure.message } });
  };
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a successful audited request writes (see Access.audit). Never rejects: it logs its own failure. */
export type AuditWriter = (entry: { actor: string; actorIp: string | null; action: string; target: string; detail: unknown }) => Promise<void>;

export interface SecureRouterOptions {
  registry: RouteRegistry;
  authenticate: Authenticator;
  audit?: AuditWriter;
  /** Where the router will be mounted, as recorded in the registry (default /api). */
  mount?: string;
}

/** express.Router whose routes cannot be added without an access declaration. */
export class SecureRouter {
  /** The express router to mount (under `mount`). */
  readonly router: Router = Router();

  constructor(private readonly opts: SecureRouterOptions) {}

  get(path: string, access: Access, ...handlers: RequestHandler[]): this {
    return this.add('get', path, access, handlers);
  }
  post(path: string, access: Access, ...handlers: RequestHandler[]): this {
    return this.add('post', path, access, handlers);
  }
  put(path: string, access: Access, ...handlers: RequestHandler[]): this {
    return this.add('put', path, access, handlers);
  }
  patch(path: string, access: Access, ...handlers: RequestHandler[]): this {
    return this.add('patch', path, access, handlers);
  }
  delete(path: string, access: Access, ...handlers: RequestHandler[]): this {
    return this.add('delete', path, access, handlers);
  }

  private add(method: Method, path: string, access: Access, handlers: RequestHandler[]): this {
    const full = `${this.opts.mount ?? '/api'}${path}`;
    const where = `${method.toUpperCase()} ${full}`;
    if (typeof path !== 'string' || !path.startsWith('/')) throw new Error(`${where}: the path must be a string starting with /`);
    const checked = validateAccess(access, where);
    if (handlers.length === 0 || handlers.some((h) => typeof h !== 'function')) throw new Error(`${where}: no handler`);
    const input: RouteInput = {};
    for (const k of ['body', 'bodyOptional', 'query', 'params', 'upload'] as const) if (checked[k] !== undefined) Object.assign(input, { [k]: checked[k] });
    this.opts.registry.add({ method: method.toUpperCase(), path: full, allow: 'public' in checked ? 'public' : [...checked.allow], input });
    const audited = 'allow' in checked && checked.audit && this.opts.audit ? [auditOnSuccess(checked.audit, full, this.opts.audit)] : [];
    const declare: RequestHandler = (req, _res, next) => {
      declareInput(req, where, input);
      next();
    };
    this.router[method](path, guard(checked, this.opts.authenticate), declare, ...audited, ...handlers);
    return this;
  }
}

/** Records who did what once the response went out with a success status. */
function auditOnSuccess(action: string, route: string, write: AuditWriter): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) return;
      const who = maybePrincipalOf(req);
      void write({
        actor: who?.name ?? 'anonymous',
        actorIp: req.ip ?? null,
        action,
        target: `${req.method} ${req.baseUrl}${req.path}`,
        detail: { route, params: req.params, query: req.query, status: res.statusCode, ...(action === 'supervisor.action' && req.body !== undefined ? { body: req.body as unknown } : {}) },
      });
    });
    next();
  };
}
