// The roles, as plain constants (no Express): shared by the route guard, the schemas and the web console.
export const ROLES = ['admin', 'supervisor', 'agent', 'readonly'] as const;
export type Role = (typeof ROLES)[number];
