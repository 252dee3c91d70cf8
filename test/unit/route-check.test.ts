import { expect } from 'chai';
import { Router } from 'express';
import { RouteRegistry, SecureRouter } from '../../app/auth/permissions.js';
import { assertAllRoutesDeclared, listRoutes } from '../../app/http/route-check.js';

describe('route declarations', () => {
  const build = () => {
    const registry = new RouteRegistry();
    const secure = new SecureRouter({ registry, authenticate: async () => null });
    secure.get('/things', { allow: ['admin'] }, (_req, res) => void res.end());
    const api = Router();
    api.use(secure.router);
    return { registry, api };
  };

  it('lists the routes of nested routers', () => {
    const { api } = build();
    expect(listRoutes(api, '/api')).to.deep.equal([{ method: 'GET', path: '/api/things' }]);
  });

  it('passes when every route is declared', () => {
    const { registry, api } = build();
    expect(() => assertAllRoutesDeclared(api, '/api', registry.routeDeclarations())).to.not.throw();
  });

  it('refuses a route added with a plain Router, naming it', () => {
    const { registry, api } = build();
    const plain = Router();
    plain.delete('/things/:id', (_req, res) => void res.end());
    api.use(plain);
    expect(() => assertAllRoutesDeclared(api, '/api', registry.routeDeclarations())).to.throw('DELETE /api/things/:id');
  });
});
