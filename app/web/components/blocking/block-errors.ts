// A refusal of the blocked-numbers API in the page's language: its code worded under
// blocking.errors.* (a refused field named in the page's words); field problems under their form
// field; anything else as every page shows it (notify.ts errorText).
import { ApiError, serverFieldErrors } from '../../api/client';
import { errorText } from '../notify';

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

const FIELDS = ['number', 'reason', 'until'] as const;

export function blockErrorText(t: Translate, te: Has, err: unknown, number = ''): string {
  if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || !te(`blocking.errors.${err.code}`)) return errorText(err);
  const details = Array.isArray(err.details) ? (err.details as Array<{ field?: string; message?: string }>) : [];
  const fields = details.map((d) => `${d.field && te(`blocking.${d.field}`) ? t(`blocking.${d.field}`) : d.field ?? ''}: ${d.message ?? ''}`).join('; ');
  return t(`blocking.errors.${err.code}`, { fields: fields || err.message, number });
}

/** The server's field problems under the form's fields: the page's words for the fields it knows, the server's otherwise. */
export function blockFieldErrors(t: Translate, err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(serverFieldErrors(err))) {
    out[field] = (FIELDS as readonly string[]).includes(field) ? `${t(`blocking.problems.${field}`)} (${message})` : message;
  }
  return out;
}
