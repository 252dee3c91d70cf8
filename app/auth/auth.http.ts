// Auth routes (thin: parse with zod, call the service). Every route is declared on the
// SecureRouter; there is deliberately no PATCH/PUT/DELETE on /audit.
import type { Request } from 'express';
import { input } from '../http/validate.js';
import { TooManyAttemptsError } from './auth.errors.js';
import type { AuthService } from './auth.service.js';
import type { Actor } from './auth.users.js';
import { apiKeyBody, auditQuery, changePasswordBody, createUserBody, idParams, loginBody, patchUserBody, totpConfirmBody } from './auth.schemas.js';
import { ANY_ROLE, principalOf, type SecureRouter } from './permissions.js';
import type { RateLimiter } from './rate-limit.js';

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(req: Pick<Request, 'headers'>): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

const actorOf = (req: Request): Actor => ({ name: principalOf(req).name, ip: req.ip ?? null });
const admin = { allow: ['admin'] } as const;

export function registerAuthRoutes(r: SecureRouter, service: AuthService, limiter: RateLimiter): void {
  r.post('/auth/login', { public: true, body: loginBody }, async (req, res) => {
    const body = input(req, 'body', loginBody);
    const wait = limiter.hit(`${req.ip ?? '?'}|${body.username.trim().toLowerCase()}`);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new TooManyAttemptsError(wait);
    }
    const result = await service.login({ ...body, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
    res.json(result);
  });

  r.post('/auth/logout', { allow: ANY_ROLE, duringTotpEnrolment: true, duringPasswordChange: true }, async (req, res) => {
    const token = bearerToken(req);
    if (token && principalOf(req).kind === 'user') await service.logout(token, actorOf(req));
    res.status(204).end();
  });

  r.get('/auth/me', { allow: ANY_ROLE, duringTotpEnrolment: true, duringPasswordChange: true }, async (req, res) => {
    const { principal, user } = await service.me(principalOf(req));
    res.json({
      kind: principal.kind,
      name: principal.name,
      role: principal.role,
      totpEnrolmentRequired: !!principal.totpEnrolmentPending,
      passwordChangeRequired: !!principal.passwordChangePending,
      user,
    });
  });

  // One's own password (local users). Wrong current passwords are throttled as logins are.
  r.post('/auth/password', { allow: ANY_ROLE, duringTotpEnrolment: true, duringPasswordChange: true, body: changePasswordBody }, async (req, res) => {
    const body = input(req, 'body', changePasswordBody);
    const principal = principalOf(req);
    const wait = limiter.hit(`${req.ip ?? '?'}|password|${principal.id}`);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new TooManyAttemptsError(wait);
    }
    res.json(await service.changeOwnPassword(principal, body.currentPassword, body.newPassword, req.ip));
  });

  r.post('/auth/totp/enrol', { allow: ANY_ROLE, duringTotpEnrolment: true }, async (req, res) => {
    res.status(201).json(await service.enrolTotp(principalOf(req), req.ip));
  });

  r.post('/auth/totp/confirm', { allow: ANY_ROLE, duringTotpEnrolment: true, body: totpConfirmBody }, async (req, res) => {
    const { code } = input(req, 'body', totpConfirmBody);
    res.json(await service.confirmTotp(principalOf(req), code, req.ip));
  });

  r.post('/auth/api-keys', { ...admin, body: apiKeyBody }, async (req, res) => {
    const { name, role } = input(req, 'body', apiKeyBody);
    res.status(201).json(await service.createApiKey(name, role, actorOf(req)));
  });

  r.get('/auth/api-keys', admin, async (_req, res) => {
    res.json({ items: await service.listApiKeys() });
  });

  r.delete('/auth/api-keys/:id', { ...admin, params: idParams }, async (req, res) => {
    await service.revokeApiKey(input(req, 'path', idParams).id, actorOf(req));
    res.status(204).end();
  });

  r.post('/users', { ...admin, body: createUserBody }, async (req, res) => {
    res.status(201).json(await service.createLocalUser(input(req, 'body', createUserBody), actorOf(req)));
  });

  r.get('/users', admin, async (_req, res) => {
    res.json({ items: await service.listUsers() });
  });

  r.patch('/users/:id', { ...admin, params: idParams, body: patchUserBody }, async (req, res) => {
    const { id } = input(req, 'path', idParams);
    res.json(await service.updateUser(id, input(req, 'body', patchUserBody), actorOf(req)));
  });

  r.get('/audit', { ...admin, query: auditQuery }, async (req, res) => {
    const { limit, offset, ...filters } = input(req, 'query', auditQuery);
    res.json(await service.listAudit(filters, { limit, offset }));
  });
}
