// The state of an e-mail sent by a scheduler job (a scheduled report's run, a ticket reply), as
// the console shows it: scheduled (not tried yet), sending, sent, retrying (a try failed, another
// is due), failed (given up) or cancelled.
import type { JobStatusView } from '../scheduler/index.js';

export type MailState = 'sent' | 'retrying' | 'failed' | 'scheduled' | 'sending' | 'cancelled';

export function mailJobState(j: Pick<JobStatusView, 'status' | 'attempts'>): MailState {
  if (j.status === 'done') return 'sent';
  if (j.status === 'failed') return 'failed';
  if (j.status === 'running') return 'sending';
  if (j.status === 'cancelled') return 'cancelled';
  return j.attempts > 0 ? 'retrying' : 'scheduled';
}
