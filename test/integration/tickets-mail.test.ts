// Ticket replies e-mailed to the customer (工单回复邮件, docs/api/tickets.md): a public comment the
// agent chose to send reaches the customer's first address through a real SMTP server the test
// starts, framed in the chosen language with the ticket's number, title and status; a refused
// try is retried and sent once; a server that refuses every try leaves the reply marked failed
// with the SMTP error; bad requests store nothing. No Asterisk (HOTLINE_OWN_PBX=false).
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { startTicketsApp, type TicketsApp } from './tickets-fixture.js';

interface MailView { to: string; state: string; attempts: number; error: string | null; sentAt: string | null }
interface Comment { id: string; body: string; visibility: string; email: MailView | null }

describe('ticket replies e-mailed to the customer (real SMTP, MariaDB)', function () {
  this.timeout(120_000);
  let db: TestDb;
  let smtp: TestSmtp;
  let hotline: HotlineProcess;
  const call = (method: string, path: string, body?: unknown) => api(hotline.url, method, path, body);

  before(async () => {
    db = await createTestDb('mariadb');
    smtp = await startSmtp();
    hotline = await startHotline(
      {
        ...db.env,
        HOTLINE_OWN_PBX: 'false',
        HOTLINE_SMTP_HOST: '127.0.0.1',
        HOTLINE_SMTP_PORT: String(smtp.port),
        HOTLINE_SMTP_FROM: 'service@hotline.test',
        HOTLINE_REPORT_MAIL_ATTEMPTS: '3',
        HOTLINE_REPORT_MAIL_RETRY_SECONDS: '1',
      },
      { waitForPbx: false },
    );
  });
  after(async () => {
    await stopAllHotlines();
    await smtp?.close();
    await db?.drop();
  });

  async function ticketFor(name: string, emails: string[], title: string) {
    const c = await call('POST', '/api/customers', { name, phones: [], emails });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    const t = await call('POST', '/api/tickets', { title, customerId: c.body.id });
    expect(t.status, JSON.stringify(t.body)).to.equal(201);
    return { ...(t.body as { id: string; number: string }), firstEmail: ((await call('GET', `/api/customers/${c.body.id}`)).body.emails as string[])[0] };
  }
  const comments = async (id: string) => (await call('GET', `/api/tickets/${id}/comments`)).body.items as Comment[];
  const mailOf = async (ticketId: string, commentId: string) => (await comments(ticketId)).find((c) => c.id === commentId)?.email ?? null;

  it('a public reply goes to the first address on the customer\'s card, in Chinese, with the number, the title and the status; the comment says sent', async () => {
    const t = await ticketFor('王芳', ['wang.fang@example.cn', 'fang@example.com'], '宽带无法连接');
    const before = smtp.received.length;
    const r = await call('POST', `/api/tickets/${t.id}/comments`, { body: '师傅明天上午 9 点上门检修。', visibility: 'public', emailCustomer: true, emailLocale: 'zh-CN' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(t.firstEmail).to.be.oneOf(['wang.fang@example.cn', 'fang@example.com']);
    expect(r.body.email).to.include({ to: t.firstEmail });
    const sent = await waitUntil('the comment\'s e-mail sent', async () => {
      const m = await mailOf(t.id, r.body.id);
      return m?.state === 'sent' ? m : undefined;
    }, 20_000);
    expect(sent.sentAt).to.be.a('string');
    expect(smtp.received.length - before).to.equal(1);
    const msg = smtp.received.at(-1)!;
    expect(msg.to && !Array.isArray(msg.to) ? msg.to.text : '').to.equal(t.firstEmail);
    expect(msg.from?.text).to.equal('service@hotline.test');
    expect(msg.subject).to.equal(`【工单 ${t.number}】宽带无法连接`);
    expect(msg.text).to.contain('师傅明天上午 9 点上门检修。');
    expect(msg.text).to.contain('当前状态：新建');
    expect(msg.text).to.contain(`工单号 ${t.number}`);
    // An internal note beside it is not mailed and has no e-mail.
    const note = await call('POST', `/api/tickets/${t.id}/comments`, { body: 'internal: truck 3', visibility: 'internal' });
    expect(note.body.email).to.equal(null);
  });

  it('in English when asked; a reply without the choice is not mailed', async () => {
    const t = await ticketFor('John Smith', ['john@example.com'], 'Invoice copy');
    const before = smtp.received.length;
    const plain = await call('POST', `/api/tickets/${t.id}/comments`, { body: 'We are on it.', visibility: 'public' });
    expect(plain.body.email).to.equal(null);
    const r = await call('POST', `/api/tickets/${t.id}/comments`, { body: 'The copy is attached to your account.', visibility: 'public', emailCustomer: true, emailLocale: 'en' });
    expect(r.status).to.equal(201);
    await waitUntil('sent', async () => (await mailOf(t.id, r.body.id))?.state === 'sent', 20_000);
    expect(smtp.received.length - before).to.equal(1);
    const msg = smtp.received.at(-1)!;
    expect(msg.subject).to.equal(`[Ticket ${t.number}] Invoice copy`);
    expect(msg.text).to.contain('The copy is attached to your account.');
    expect(msg.text).to.contain('Status: new.');
  });

  it('refuses what cannot be mailed and stores nothing: an internal note, a customer without an address', async () => {
    const t = await ticketFor('No Mail', [], 'No address');
    const before = smtp.received.length;
    const internal = await call('POST', `/api/tickets/${t.id}/comments`, { body: 'x', visibility: 'internal', emailCustomer: true });
    expect([internal.status, internal.body.error.code]).to.deep.equal([400, 'validation_failed']);
    expect(JSON.stringify(internal.body.error.details)).to.contain('emailCustomer');
    const none = await call('POST', `/api/tickets/${t.id}/comments`, { body: 'Hello', visibility: 'public', emailCustomer: true });
    expect([none.status, none.body.error.code]).to.deep.equal([422, 'customer_has_no_email']);
    expect(none.body.error.message).to.contain('no e-mail address');
    expect(await comments(t.id)).to.deep.equal([]);
    expect(smtp.received.length).to.equal(before);
  });

  it('a try the SMTP server refuses is retried and the reply sent once; a server that refuses every try leaves it failed with the error', async () => {
    const t = await ticketFor('李雷', ['li.lei@example.cn'], '退款进度');
    const before = smtp.received.length;
    smtp.rejectNext(1);
    const r = await call('POST', `/api/tickets/${t.id}/comments`, { body: '退款已提交，3 个工作日内到账。', visibility: 'public', emailCustomer: true });
    const sent = await waitUntil('sent after a retry', async () => {
      const m = await mailOf(t.id, r.body.id);
      return m?.state === 'sent' ? m : undefined;
    }, 30_000);
    expect(sent.attempts).to.equal(2);
    expect(smtp.received.length - before).to.equal(1);

    smtp.rejectAll(true);
    try {
      const r2 = await call('POST', `/api/tickets/${t.id}/comments`, { body: '补充说明', visibility: 'public', emailCustomer: true });
      const failed = await waitUntil('given up', async () => {
        const m = await mailOf(t.id, r2.body.id);
        return m?.state === 'failed' ? m : undefined;
      }, 60_000);
      expect(failed.attempts).to.equal(3);
      expect(failed.error).to.match(/554/);
      expect((await comments(t.id)).map((c) => c.body)).to.include('补充说明');
    } finally {
      smtp.rejectAll(false);
    }
  });
});

describe('ticket replies without an SMTP server (SQLite)', function () {
  this.timeout(60_000);
  let app: TicketsApp;
  before(async () => {
    app = await startTicketsApp('sqlite');
  });
  after(async () => app?.close());

  it('asking to e-mail a reply is refused with 409 mail_not_configured and nothing is stored', async () => {
    const c = await app.crm.create({ name: 'Zhao', phones: [], emails: ['zhao@example.cn'], tags: [], customFields: {} } as never, 'test-admin');
    const t = await api(app.origin, 'POST', '/api/tickets', { title: 'Router', customerId: (c as { id: string }).id }, null);
    expect(t.status, JSON.stringify(t.body)).to.equal(201);
    const r = await api(app.origin, 'POST', `/api/tickets/${t.body.id}/comments`, { body: 'Hi', visibility: 'public', emailCustomer: true }, null);
    expect([r.status, r.body.error.code]).to.deep.equal([409, 'mail_not_configured']);
    expect((await api(app.origin, 'GET', `/api/tickets/${t.body.id}/comments`, undefined, null)).body.items).to.deep.equal([]);
  });
});
