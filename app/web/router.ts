// Pages by role: agents land on the agent desktop, supervisors and admins on theirs (their own
// issues fill them in). A page that needs a session sends the user to login and back.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session, type SessionUser } from './session/session';

type Role = SessionUser['role'];

export const HOME_OF: Record<Role, string> = { agent: '/agent', supervisor: '/supervisor', admin: '/admin', readonly: '/supervisor' };

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  { path: '/agent', name: 'agent', component: () => import('./pages/AgentDesk.vue'), meta: { roles: ['agent', 'supervisor', 'admin'] } },
  { path: '/supervisor', name: 'supervisor', component: () => import('./pages/Wallboard.vue'), meta: { roles: ['supervisor', 'admin', 'readonly'] } },
  { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue'), meta: { roles: ['supervisor', 'admin'] } },
  { path: '/calls', name: 'calls', component: () => import('./pages/CallsPage.vue'), meta: { roles: ['supervisor', 'admin', 'readonly'] } },
  { path: '/recordings', name: 'recordings', component: () => import('./pages/RecordingsPage.vue'), meta: { roles: ['supervisor', 'admin'] } },
  { path: '/qa', name: 'qa', component: () => import('./pages/QaPage.vue'), meta: { roles: ['agent', 'supervisor', 'admin'] } },
  { path: '/tickets', name: 'tickets', component: () => import('./pages/TicketsPage.vue'), meta: { roles: ['agent', 'supervisor', 'admin', 'readonly'] } },
  { path: '/customers', name: 'customers', component: () => import('./pages/CustomersPage.vue'), meta: { roles: ['agent', 'supervisor', 'admin', 'readonly'] } },
  { path: '/kb', name: 'kb', component: () => import('./pages/KbPage.vue'), meta: { roles: ['agent', 'supervisor', 'admin'] } },
  { path: '/voicemail', name: 'voicemail', component: () => import('./pages/VoicemailPage.vue'), meta: { roles: ['agent', 'supervisor', 'admin', 'readonly'] } },
  { path: '/fax', name: 'fax', component: () => import('./pages/FaxPage.vue'), meta: { roles: ['agent', 'supervisor', 'admin', 'readonly'] } },
  { path: '/campaigns', name: 'campaigns', component: () => import('./pages/CampaignsPage.vue'), meta: { roles: ['supervisor', 'admin', 'readonly'] } },
  { path: '/admin', name: 'admin', component: () => import('./pages/AdminPage.vue'), meta: { roles: ['admin'] } },
  { path: '/', name: 'home', redirect: () => (session.user.value ? HOME_OF[session.user.value.role] : '/login') },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue'), meta: { public: true } },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  if (to.meta.public) return true;
  const user = session.user.value;
  if (!session.token.value || !user) return { path: '/login', query: { next: to.fullPath } };
  if (session.passwordChangeRequired.value) return { path: '/login', query: { next: to.fullPath } }; // the page asks for the new password
  const roles = to.meta.roles as Role[] | undefined;
  if (roles && !roles.includes(user.role)) return HOME_OF[user.role];
  return true;
});

session.onExpired(() => {
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.push({ path: '/login', query: { next: here.fullPath, expired: '1' } });
});
