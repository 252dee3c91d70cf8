// A refusal of the companies API in the page's language: a company that is no longer there says
// so; the rest as the customers page words it (a customer's refusal, or as every page shows it).
import { ApiError } from '../../api/client';
import { customerErrorText } from '../customers/customer-errors';

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

export function companyErrorText(t: Translate, te: Has, err: unknown): string {
  if (err instanceof ApiError && err.status === 404 && /^company /.test(err.message)) return t('companies.gone');
  return customerErrorText(t, te, err);
}
