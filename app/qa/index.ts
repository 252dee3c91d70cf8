// Wires QA from explicit dependencies: recordings (what may be evaluated, who may hear it).
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import { qaRoutes } from './qa.http.js';
import { QaService, type QaDeps } from './qa.service.js';

export function createQaModule(deps: Omit<QaDeps, 'db'> & { db: DataSource; routes: SecureRouter }) {
  const service = new QaService(deps);
  qaRoutes(deps.routes, service);
  return { service, router: deps.routes.router };
}
