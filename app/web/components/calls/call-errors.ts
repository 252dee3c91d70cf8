// A refusal of the calls API in the page's language: its code worded under calls.errors.*
// (a refused filter names the field in the page's words, with the server's reason); anything
// else as every page shows it (notify.ts errorText).
import { ApiError } from '../../api/client';
import { errorText } from '../notify';

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

export function callErrorText(t: Translate, te: Has, err: unknown): string {
  if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500 || !te(`calls.errors.${err.code}`)) return errorText(err);
  const details = Array.isArray(err.details) ? (err.details as Array<{ field?: string; message?: string }>) : [];
  const fields = details.map((d) => `${d.field && te(`calls.fields.${d.field}`) ? t(`calls.fields.${d.field}`) : d.field ?? ''}: ${d.message ?? ''}`).join('; ');
  return t(`calls.errors.${err.code}`, { fields: fields || err.message });
}
