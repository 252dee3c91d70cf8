// Replies e-mailed to the customer (工单回复邮件): a public comment an agent chose to send goes to
// the first e-mail address of the ticket's customer. Each mail is one scheduler job (kind
// `tickets.mail`, key `<ticket id>/<comment id>`) scheduled in the comment's own transaction, so it
// is sent once across nodes, after a failover too, and retried with backoff; its state (queued,
// sent, retrying with the SMTP error, failed) is read back from the job for the comment's view.
import type { EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { mailJobState, type MailState } from '../mail/mail-state.js';
import type { JobView, SchedulerService } from '../scheduler/index.js';
import { Ticket, TicketComment } from './tickets.entities.js';
import type { MAIL_LOCALES } from './tickets.schemas.js';

export const TICKET_MAIL_JOB = 'tickets.mail';
export type MailLocale = (typeof MAIL_LOCALES)[number];

interface MailJob {
  ticketId: string;
  commentId: string;
  to: string;
  locale: MailLocale;
}

export interface TicketMailOptions {
  mailer: Mailer | null;
  from: string;
  attempts: number;
  retryMs: number;
  log: Logger;
}

/** A comment's e-mail as the API shows it. */
export interface CommentMailView {
  to: string;
  state: MailState;
  attempts: number;
  error: string | null;
  sentAt: string | null;
  nextTryAt: string | null;
}

const STATUS_WORDS: Record<MailLocale, Record<string, string>> = {
  'zh-CN': { new: '新建', assigned: '已分派', in_progress: '处理中', waiting_on_customer: '等待您的回复', resolved: '已解决', closed: '已关闭', reopened: '重新打开' },
  en: { new: 'new', assigned: 'assigned', in_progress: 'in progress', waiting_on_customer: 'waiting for your reply', resolved: 'resolved', closed: 'closed', reopened: 'reopened' },
};

/** The message of a reply: subject with the ticket's number and title, the reply, the status. Pure. */
export function replyMessage(locale: MailLocale, t: { number: string; title: string; status: string }, body: string): { subject: string; text: string } {
  const status = STATUS_WORDS[locale][t.status] ?? t.status;
  if (locale === 'en') {
    return {
      subject: `[Ticket ${t.number}] ${t.title}`,
      text: `Hello,\n\nAbout your ticket ${t.number} (${t.title}):\n\n${body}\n\nStatus: ${status}.\n\nThis message was sent automatically; please do not reply to it. To add something, call us and give the ticket number ${t.number}.\n`,
    };
  }
  return {
    subject: `【工单 ${t.number}】${t.title}`,
    text: `您好：\n\n关于您的工单 ${t.number}（${t.title}）：\n\n${body}\n\n当前状态：${status}。\n\n此邮件由系统自动发送，请勿直接回复。如需补充，请致电我们并提供工单号 ${t.number}。\n`,
  };
}

export class TicketMail {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly opts: TicketMailOptions,
  ) {}

  get configured(): boolean {
    return this.opts.mailer !== null;
  }

  register(): void {
    this.scheduler.register<MailJob>(TICKET_MAIL_JOB, (job, m) => this.run(job, m), {
      retry: { maxAttempts: this.opts.attempts, baseBackoffMs: this.opts.retryMs, maxBackoffMs: 30 * 60_000 },
      onGiveUp: async (job, error) => this.opts.log.warn({ ticketId: job.payload.ticketId, commentId: job.payload.commentId, error }, 'ticket reply e-mail given up'),
    });
  }

  /** Queues the reply's e-mail, in the comment's transaction `m`. */
  queue(m: EntityManager, ticketId: string, commentId: string, to: string, locale: MailLocale): Promise<void> {
    return this.scheduler.schedule(TICKET_MAIL_JOB, `${ticketId}/${commentId}`, new Date(), { ticketId, commentId, to, locale } satisfies MailJob, m);
  }

  /** The e-mails of these tickets' comments, by comment id. */
  async ofTickets(ticketIds: string[]): Promise<Map<string, CommentMailView>> {
    const out = new Map<string, CommentMailView>();
    for (const id of ticketIds) {
      for (const j of await this.scheduler.list(TICKET_MAIL_JOB, `${id}/`, 500)) {
        const payload = JSON.parse(j.payload) as MailJob;
        const state = mailJobState(j);
        out.set(payload.commentId, { to: payload.to, state, attempts: j.attempts, error: state === 'sent' ? null : j.lastError, sentAt: state === 'sent' ? (j.doneAt?.toISOString() ?? null) : null, nextTryAt: state === 'retrying' ? j.dueAt.toISOString() : null });
      }
    }
    return out;
  }

  private async run(job: JobView<MailJob>, m: EntityManager): Promise<void> {
    const mailer = this.opts.mailer;
    if (!mailer) throw new Error('no SMTP server is configured');
    const { ticketId, commentId, to, locale } = job.payload;
    const [ticket, comment] = await Promise.all([m.findOne(Ticket, { where: { id: ticketId } }), m.findOne(TicketComment, { where: { id: commentId } })]);
    if (!ticket || !comment) {
      this.opts.log.warn({ ticketId, commentId }, 'ticket reply e-mail: the ticket or the comment is gone; not sent');
      return;
    }
    const { subject, text } = replyMessage(locale, ticket, comment.body);
    const sent = await mailer.send({ from: this.opts.from, to: [to], subject, text, attachments: [] });
    this.opts.log.info({ ticketId, commentId, attempt: job.attempts, messageId: sent.messageId }, 'ticket reply e-mailed to the customer');
  }
}
