import { request } from './client';
import type { SessionUser } from '../session/session';

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: SessionUser & Record<string, unknown>;
  totpEnrolmentRequired: boolean;
  /** The password was chosen by someone else: change it before anything else. */
  passwordChangeRequired: boolean;
}

export const authApi = {
  login: (body: { username: string; password: string; otp?: string }) => request<LoginResult>('POST', '/api/auth/login', body, { anonymous: true }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  changePassword: (body: { currentPassword: string; newPassword: string }) => request<SessionUser & Record<string, unknown>>('POST', '/api/auth/password', body),
  me: () => request<{ kind: string; name: string; role: SessionUser['role']; user: SessionUser | null; totpEnrolmentRequired: boolean; passwordChangeRequired: boolean }>('GET', '/api/auth/me'),
};
