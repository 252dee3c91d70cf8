// Every failure the user should know about, as a readable notice in their language: a 4xx with
// the server's own message, a 5xx or a network failure as "try again" — the page stays.
import { ElMessageBox, ElNotification } from 'element-plus';
import { ApiError } from '../api/client';
import { i18n } from '../i18n';

export function errorText(err: unknown): string {
  const t = i18n.global.t;
  if (err instanceof ApiError) {
    if (err.status === 0) return t('errors.network');
    if (err.status >= 500) return t('errors.server', { status: err.status });
    if (err.status === 401) return t('errors.unauthorized');
    if (err.status === 403) return t('errors.forbidden');
    const fields = err.fieldMessages;
    return `${t('errors.rejected')}: ${fields.length ? fields.join('; ') : err.message}`;
  }
  return `${t('errors.unexpected')}: ${err instanceof Error ? err.message : String(err)}`;
}

export function reportError(err: unknown): void {
  console.error(err);
  // Bottom right: the state bar and its buttons stay visible.
  ElNotification({ type: 'error', title: i18n.global.t('errors.title'), message: errorText(err), duration: 8000, position: 'bottom-right', customClass: 'hl-error-notice' });
}

export function notifyOk(text: string): void {
  ElNotification({ type: 'success', title: text, duration: 2500, position: 'bottom-right' });
}

/** For promises whose failure only needs a console line (closing a socket the page leaves). */
export const logFailure = (what: string) => (err: unknown) => console.warn(what, err);

/** Asks before something that cannot be undone (warning style); false when the user cancels or closes it. */
export async function confirmed(message: string, title: string, action: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, { confirmButtonText: action, cancelButtonText: i18n.global.t('common.cancel'), type: 'warning' });
    return true;
  } catch {
    return false; // not confirmed
  }
}
