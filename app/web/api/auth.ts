import { request } from './client';
import type { SessionUser } from '../session/session';

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: SessionUser & Record<string, unknown>;
  totpEnrolmentRequired: boolean;
}

export const authApi = {
  login: (body: { username: string; password: string; otp?: string }) => request<LoginResult>('POST', '/api/auth/login', body, { anonymous: true }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<{ kind: string; name: string; role: SessionUser['role']; user: SessionUser | null }>('GET', '/api/auth/me'),
};
