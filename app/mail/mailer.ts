// Sends e-mail over SMTP with nodemailer: scheduled reports (docs/reports.md) and ticket replies to customers (docs/api/tickets.md).
import nodemailer from 'nodemailer';

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
  send(msg: MailMessage): Promise<{ messageId: string; accepted: string[] }>;
  close(): void;
}

export interface SmtpSettings { host: string; port: number; secure: boolean; user?: string; password?: string }

export function smtpMailer(s: SmtpSettings): Mailer {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(msg) {
      const info = await transport.sendMail(msg);
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length) throw new Error(`the SMTP server refused recipients: ${rejected.join(', ')}`);
      return { messageId: info.messageId, accepted: (info.accepted ?? []).map(String) };
    },
    close: () => transport.close(),
  };
}
