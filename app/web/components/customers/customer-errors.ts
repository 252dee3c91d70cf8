// A refusal of the customers API in the page's language: its code worded under customers.errors.*
// (a phone that belongs to someone else names the phone, a refused merge gives the server's
// reason); anything else as every page shows it (notify.ts errorText).
import { ApiError } from '../../api/client';
import { errorText } from '../notify';

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

export function customerErrorText(t: Translate, te: Has, err: unknown): string {
  if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || !te(`customers.errors.${err.code}`)) return errorText(err);
  const details = (err.details && typeof err.details === 'object' && !Array.isArray(err.details) ? err.details : {}) as Record<string, unknown>;
  return t(`customers.errors.${err.code}`, { phone: String(details.phone ?? ''), reason: err.message });
}
