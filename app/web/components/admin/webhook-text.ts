// A webhook refusal in the page's language from the server's code; the server's words otherwise.
import { ApiError } from '../../api/client';
import { i18n } from '../../i18n';
import { errorText } from '../notify';

export function webhookRefusal(e: unknown): string {
  const { t, te } = i18n.global;
  if (e instanceof ApiError && te(`admin.webhooks.refused.${e.code}`)) return t(`admin.webhooks.refused.${e.code}`);
  return errorText(e);
}
