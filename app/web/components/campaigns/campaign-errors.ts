// A refusal of the campaign API in the page's language, from its `body.error.code` (the words under
// campaigns.errors.*, both languages) with the details the code carries (the statuses of a refused
// move, the result code in use, when the calling hours open, the rows of a refused import).
// Pure (unit-tested): the error is read by its shape, and what the page does with anything else
// (a 5xx, the network, a code it has no words for) is the caller's `fallback`.
type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

export interface ErrorLike { status: number; code: string; message: string; details?: unknown }

export const isApiError = (e: unknown): e is ErrorLike =>
  !!e && typeof e === 'object' && typeof (e as ErrorLike).status === 'number' && typeof (e as ErrorLike).code === 'string';

/** The codes the page words (docs/api/campaigns.md). */
export const CAMPAIGN_ERRORS = [
  'campaign_not_found', 'campaign_exists', 'unknown_queue', 'campaign_finished', 'result_in_use', 'campaign_running', 'no_contacts', 'bad_transition',
  'import_invalid', 'not_in_campaign', 'campaign_not_running', 'outside_calling_hours', 'not_yours', 'agent_busy', 'number_blocked', 'attempts_used',
  'unknown_result', 'contact_done', 'not_found', 'contact_not_found', 'no_agent', 'dtd_not_allowed',
  'upload_too_large', 'unsupported_media_type', 'not_a_spreadsheet', 'archive_too_large',
] as const;

export interface Wording {
  t: Translate;
  te: Has;
  /** A time as the page shows it (opensAt). */
  time: (iso: string) => string;
  /** A status in words. */
  status: (s: string) => string;
  /** What to say for anything the campaign words do not cover (notify.ts errorText). */
  fallback: (err: unknown) => string;
}

export function campaignErrorText(w: Wording, err: unknown, name = ''): string {
  if (!isApiError(err) || err.status < 400 || err.status >= 500 || !w.te(`campaigns.errors.${err.code}`)) return w.fallback(err);
  const d = (err.details && typeof err.details === 'object' && !Array.isArray(err.details) ? err.details : {}) as Record<string, unknown>;
  // The page's own name for the campaign (its title) when it has one; else the server's.
  const args: Record<string, unknown> = { name: name || (typeof d.name === 'string' ? d.name : ''), message: err.message };
  if (typeof d.from === 'string') args.from = w.status(d.from);
  if (typeof d.to === 'string') args.to = w.status(d.to);
  if (typeof d.status === 'string') args.from ??= w.status(d.status);
  args.from ??= '—';
  args.to ??= '—';
  args.code = typeof d.code === 'string' ? d.code : typeof d.result === 'string' ? d.result : Array.isArray(d.results) ? d.results.join(', ') : Array.isArray(d.codes) ? d.codes.join(', ') : '';
  args.mb = typeof d.limitBytes === 'number' ? Math.round(d.limitBytes / 1024 / 1024) : 10;
  args.opensAt = typeof d.opensAt === 'string' ? w.time(d.opensAt) : '';
  args.queue = typeof d.queue === 'string' ? d.queue : '';
  args.rows = Array.isArray(d.rows) ? d.rows.length : 0;
  const key = err.code === 'outside_calling_hours' && !args.opensAt ? 'campaigns.errors.outside_calling_hours_later' : `campaigns.errors.${err.code}`;
  return w.t(key, args);
}

/** A refused import's rows ({row, message}), or [] when the error is not one. */
export function importRows(err: unknown): Array<{ row: number; message: string }> {
  if (!isApiError(err) || err.code !== 'import_invalid') return [];
  const rows = (err.details as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? rows.filter((r): r is { row: number; message: string } => !!r && typeof r === 'object' && typeof (r as { row: unknown }).row === 'number').map((r) => ({ row: r.row, message: String(r.message ?? '') })) : [];
}

/** A 400 validation_failed's fields ([{field, message}]), for the form to put under its fields. */
export function validationFields(err: unknown): Array<{ field: string; message: string }> {
  if (!isApiError(err) || err.code !== 'validation_failed' || !Array.isArray(err.details)) return [];
  return (err.details as Array<{ field?: string; path?: string; message?: string }>).map((x) => ({ field: String(x.field ?? x.path ?? ''), message: String(x.message ?? '') }));
}

/** What the server says of one refused row, in the page's words when it is one the import writes (app/campaign/campaign.import.ts); else as it came. */
export function rowMessage(t: Translate, message: string): string {
  const m = message.trim();
  let x: RegExpExecArray | null;
  if ((x = /^(.*) is not a phone number$/.exec(m))) return t('campaigns.import.rows.notPhone', { value: x[1] });
  if (m === 'the phone is empty') return t('campaigns.import.rows.phoneEmpty');
  if (m.startsWith('no phone column')) return t('campaigns.import.rows.noPhoneColumn');
  if ((x = /^(\d+) other columns: at most (\d+)/.exec(m))) return t('campaigns.import.rows.tooManyColumns', { n: x[1], max: x[2] });
  if ((x = /^the column (.*) is named twice$/.exec(m))) return t('campaigns.import.rows.columnTwice', { column: x[1] });
  if ((x = /^more than (\d+) contacts/.exec(m))) return t('campaigns.import.rows.tooMany', { max: x[1] });
  if (m.startsWith('the name is longer')) return t('campaigns.import.rows.nameTooLong');
  if (m === 'control characters') return t('campaigns.import.rows.control');
  if (m.startsWith('the file is empty')) return t('campaigns.import.rows.empty');
  if (m.startsWith('no contact below')) return t('campaigns.import.rows.noContacts');
  return m;
}
