// For tests that mount one module's routes on a small express app: a SecureRouter whose
// every request is an admin. The access rules themselves are tested by the permission matrix.
import { RouteRegistry, SecureRouter } from '../../app/auth/permissions.js';

export function adminRoutes(): SecureRouter {
  return new SecureRouter({
    registry: new RouteRegistry(),
    authenticate: async () => ({ kind: 'user', id: 'test-admin', name: 'test-admin', role: 'admin' }),
  });
}
