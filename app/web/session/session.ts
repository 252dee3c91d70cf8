// The signed-in session of this tab: the token in sessionStorage (a reload keeps it; closing the
// tab ends it), the user, and what happens when the server says the session expired: the page
// goes to the login screen and, once signed in again, back where the user was. Unsaved drafts
// live in sessionStorage (drafts.ts), so they survive the trip.
import { ref } from 'vue';

const TOKEN_KEY = 'hotline.token';
const USER_KEY = 'hotline.user';
const RETURN_KEY = 'hotline.returnTo';
const CHANGE_KEY = 'hotline.passwordChangeRequired';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'supervisor' | 'agent' | 'readonly';
  /** local: the user can change their password here; ldap: in the directory. */
  source?: 'local' | 'ldap';
}

const read = <T>(key: string): T | null => {
  try {
    const v = sessionStorage.getItem(key);
    return v ? (JSON.parse(v) as T) : null;
  } catch {
    return null;
  }
};

type Listener = () => void;
const expiredListeners = new Set<Listener>();

export const session = {
  token: ref<string | null>(sessionStorage.getItem(TOKEN_KEY)),
  user: ref<SessionUser | null>(read<SessionUser>(USER_KEY)),
  /** The server wants a new password before anything else (the sign-in page asks for it). */
  passwordChangeRequired: ref<boolean>(sessionStorage.getItem(CHANGE_KEY) === '1'),

  setPasswordChangeRequired(on: boolean): void {
    if (on) sessionStorage.setItem(CHANGE_KEY, '1');
    else sessionStorage.removeItem(CHANGE_KEY);
    this.passwordChangeRequired.value = on;
  },

  signIn(token: string, user: SessionUser): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
    this.token.value = token;
    this.user.value = user;
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    this.setPasswordChangeRequired(false);
    this.token.value = null;
    this.user.value = null;
  },
  /** The server refused the token: remember where we were, forget the token, tell the router. */
  expired(): void {
    if (!this.token.value) return;
    const here = location.pathname + location.search;
    if (!here.startsWith('/login')) sessionStorage.setItem(RETURN_KEY, here);
    this.signOut();
    for (const l of expiredListeners) l();
  },
  onExpired(l: Listener): () => void {
    expiredListeners.add(l);
    return () => expiredListeners.delete(l);
  },
  /** Where to go after signing in (and forget it). */
  takeReturnTo(): string | null {
    const v = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return v;
  },
};
