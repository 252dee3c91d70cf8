import { z } from 'zod';
import { ROLES } from './auth.roles.js';

const role = z.enum(ROLES);

/**
 * Login input is deliberately loose (any username up to 256 characters, an empty password):
 * a strange username or an empty password gets the same 401 as a wrong password, not a 400
 * that would tell them apart.
 */
export const loginBody = z.strictObject({
  username: z.string().max(256),
  password: z.string().max(1024),
  otp: z.string().max(16).optional(),
});

export const totpConfirmBody = z.strictObject({ code: z.string().min(1).max(16) });

export const apiKeyBody = z.strictObject({
  name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'letters, digits, space, . _ - (1 to 64, starting with a letter or digit)'),
  role,
});

export const idParams = z.object({ id: z.uuid() });

const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{0,127}$/, 'letters, digits and . _ @ - (1 to 128, starting with a letter or digit)');
const displayName = z.string().trim().max(128);
const email = z.email().max(255).nullable();
const team = z.string().trim().min(1).max(64).nullable();
/** The policy itself (length, character kinds) is checked by the service, with clear messages. */
const password = z.string().max(1024);

export const createUserBody = z.strictObject({
  username,
  password,
  displayName: displayName.optional(),
  email: email.optional(),
  role,
  team: team.optional(),
  passwordChangeRequired: z.boolean().optional(),
});

export const patchUserBody = z
  .strictObject({
    displayName: displayName.optional(),
    email: email.optional(),
    role: role.optional(),
    team: team.optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
    passwordChangeRequired: z.boolean().optional(),
    unlock: z.literal(true).optional(),
    resetTotp: z.literal(true).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

/** Changing one's own password: the current one (checked) and the new one (the policy is checked by the service). */
export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: password,
});

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const auditQuery = z.strictObject({
  actor: z.string().min(1).max(160).optional(),
  action: z.string().min(1).max(64).optional(),
  target: z.string().min(1).max(255).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
