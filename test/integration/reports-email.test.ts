// Must-show 6 (Email): a scheduled report reaches an SMTP server the test starts, with its
// .xlsx attached and the API's figures in it; a failing SMTP server is retried and the failure
// is visible in the API; with two Hotline nodes on one MariaDB it is sent once.
// Both nodes run with HA off, so both schedulers tick and race for every run: only the
// scheduler's claim keeps the mail from going out twice. No Asterisk (HOTLINE_OWN_PBX=false);
// run under the Asterisk lock all the same (it starts Hotline).
import { expect } from 'chai';
import type { ParsedMail } from 'mailparser';
import { ExcelJS } from '../../app/io/exceljs.js';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { waitUntil } from '../support/pbx.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Rollup rows of queue `q` in the 15-minute bucket at `at`, with `offered` calls (answered / abandoned split). */
async function seedBucket(db: TestDb, at: Date, q: string, offered: number, answered: number): Promise<void> {
  const abandoned = offered - answered;
  const bucket = at.toISOString().slice(0, 19).replace('T', ' ');
  for (const [dimension, key] of [['queue', ''], ['region', 'unknown'], ['city', 'unknown']] as const) {
    await db.exec(
      `INSERT INTO report_rollups (dimension, bucket_at, dim_key, queue, offered, answered, answered_in_sl, abandoned, abandoned_short, callbacks, overflowed, timeouts, waiting,
        answered_wait_seconds, abandoned_wait_seconds, max_answered_wait_seconds, talk_seconds, hold_seconds, wrapup_seconds)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, 30, ?, 0, 0)`,
      [dimension, bucket, key, q, offered, answered, Math.max(0, answered - 1), abandoned, answered * 12, abandoned * 40, answered * 95],
    );
  }
}

/** The figure in column `header` of the row whose first cell is `first`, in the first sheet of an .xlsx. */
async function cell(xlsx: Buffer, first: string, header: string): Promise<unknown> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as never);
  const ws = wb.worksheets[0]!;
  const headers = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
  const col = headers.indexOf(header);
  expect(col, `column ${header} in ${headers.join('|')}`).to.be.greaterThan(0);
  let found: unknown;
  ws.eachRow((row) => {
    if (String(row.getCell(1).value) === first) found = row.getCell(col).value;
  });
  return found;
}

const attachment = (m: ParsedMail, prefix: string) => m.attachments.find((a) => a.filename?.startsWith(prefix));

describe('scheduled report e-mail (two nodes, real SMTP, MariaDB)', function () {
  this.timeout(180_000);
  let db: TestDb;
  let smtp: TestSmtp;
  let a: HotlineProcess;
  let b: HotlineProcess;

  before(async () => {
    db = await createTestDb('mariadb');
    smtp = await startSmtp();
    const env = (name: string) => ({
      ...db.env,
      HOTLINE_NODE_NAME: name,
      HOTLINE_OWN_PBX: 'false',
      HOTLINE_SMTP_HOST: '127.0.0.1',
      HOTLINE_SMTP_PORT: String(smtp.port),
      HOTLINE_SMTP_FROM: 'reports@hotline.test',
      HOTLINE_REPORT_MAIL_ATTEMPTS: '3',
      HOTLINE_REPORT_MAIL_RETRY_SECONDS: '1',
    });
    a = await startHotline(env('node-a'), { waitForPbx: false });
    b = await startHotline(env('node-b'), { waitForPbx: false });
  });
  after(async () => {
    await stopAllHotlines();
    await smtp?.close();
    await db?.drop();
  });

  it('a daily schedule sends at its time, once, from one of two nodes, with the .xlsx holding the API figures', async () => {
    // The next whole minute at least 10 s away, in UTC.
    const run = Math.ceil((Date.now() + 10_000) / 60_000) * 60_000;
    const time = new Date(run).toISOString().slice(11, 16);
    // The day before the run (UTC) holds the figures the daily report covers; the day before that must
    // not count. Seeded from the run's day, not the clock's: a run at 00:00 covers the day just ended.
    const yesterday = Date.parse(`${utcDay(run - DAY)}T00:00:00Z`);
    await seedBucket(db, new Date(yesterday + 9 * 3_600_000), 'mail-q', 17, 13);
    await seedBucket(db, new Date(yesterday + 15 * 3_600_000 + 45 * 60_000), 'mail-q', 6, 2);
    await seedBucket(db, new Date(yesterday - 3 * 3_600_000), 'mail-q', 50, 50);
    const created = await api(a.url, 'POST', '/api/reports/schedules', {
      name: '每日通话报表', frequency: 'daily', time, tz: 'UTC', reports: ['summary', 'queues'], locale: 'zh-CN', recipients: ['boss@example.com', 'ops@example.com'],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.nextRunAt).to.equal(new Date(run).toISOString());
    // The other node sees the same schedule and the same planned run.
    const onB = await api(b.url, 'GET', `/api/reports/schedules/${created.body.id}`);
    expect(onB.body.nextRunAt).to.equal(new Date(run).toISOString());

    const mail = await waitUntil('the scheduled report at the SMTP server', () => smtp.received.find((m) => m.subject?.includes('每日通话报表')), run - Date.now() + 30_000, 200);
    expect(Date.now()).to.be.at.least(run);
    // Both schedulers keep ticking: wait a while and count again.
    await new Promise((r) => setTimeout(r, 4000));
    expect(smtp.received.filter((m) => m.subject?.includes('每日通话报表'))).to.have.length(1);
    expect((mail.to as { value: Array<{ address: string }> }).value.map((v) => v.address).sort()).to.deep.equal(['boss@example.com', 'ops@example.com']);

    // The figures: the attached summary's total equals the API's for yesterday (and not the day before).
    const from = utcDay(run - DAY);
    const to = utcDay(run);
    const summary = await api(a.url, 'GET', `/api/reports/summary?from=${from}&to=${to}&tz=UTC&interval=hour&locale=zh-CN`);
    expect(summary.status).to.equal(200);
    expect(summary.body.total.offered).to.equal(23);
    const xlsx = attachment(mail, 'summary-')!;
    expect(xlsx, mail.attachments.map((x) => x.filename).join(',')).to.not.equal(undefined);
    expect(xlsx.filename).to.equal(`summary-${from}.xlsx`);
    expect(await cell(xlsx.content, '合计', '进线')).to.equal(summary.body.total.offered);
    expect(await cell(xlsx.content, '合计', '接通')).to.equal(summary.body.total.answered);
    expect(await cell(xlsx.content, `${from} 09:00`, '进线')).to.equal(17);
    const queues = attachment(mail, 'queues-')!;
    expect(await cell(queues.content, 'mail-q', '放弃')).to.equal(summary.body.total.abandoned);
    expect(mail.text).to.include(`进线: ${summary.body.total.offered}`);

    // The API shows the run as sent, by one node, and the next day's run planned.
    const after = await waitUntil('the run shown as sent with the next run planned', async () => {
      const s = (await api(b.url, 'GET', `/api/reports/schedules/${created.body.id}`)).body;
      return s.lastRun?.state === 'sent' && s.nextRunAt === new Date(run + DAY).toISOString() ? s : undefined;
    });
    expect(after.lastRun.attempts).to.equal(1);
    expect(['node-a', 'node-b']).to.include(after.lastRun.node);
  });

  it('a refusing SMTP server is retried until it accepts; one that keeps refusing leaves the run failed with its error shown', async () => {
    const created = await api(b.url, 'POST', '/api/reports/schedules', {
      name: 'Weekly queues', frequency: 'weekly', weekday: 1, time: '07:30', tz: 'Asia/Shanghai', reports: ['queues'], locale: 'en', recipients: ['sup@example.com'],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    const count = () => smtp.received.filter((m) => m.subject?.includes('Weekly queues')).length;

    // Two refusals, then accepted: three attempts, one message, and the error was visible while retrying.
    smtp.rejectNext(2);
    const refusedBefore = smtp.refused;
    const sent = await api(a.url, 'POST', `/api/reports/schedules/${id}/send`);
    expect(sent.status).to.equal(202);
    const retrying = await waitUntil('the run shown as retrying with the SMTP error', async () => {
      const s = (await api(a.url, 'GET', `/api/reports/schedules/${id}`)).body;
      return s.lastRun?.state === 'retrying' ? s : undefined;
    }, 20_000, 50);
    expect(retrying.lastRun.error).to.match(/451|Try again later/);
    expect(retrying.lastRun.nextTryAt).to.be.a('string');
    await waitUntil('the retried report at the SMTP server', () => count() === 1, 30_000);
    expect(smtp.refused - refusedBefore).to.equal(2);
    const done = await waitUntil('the run shown as sent after 3 attempts', async () => {
      const s = (await api(b.url, 'GET', `/api/reports/schedules/${id}`)).body;
      return s.lastRun?.state === 'sent' ? s : undefined;
    });
    expect(done.lastRun.attempts).to.equal(3);

    // Refusing for good: 3 attempts (HOTLINE_REPORT_MAIL_ATTEMPTS), then failed, the error kept.
    smtp.rejectAll(true);
    try {
      const again = await api(a.url, 'POST', `/api/reports/schedules/${id}/send`);
      expect(again.status).to.equal(202);
      const failed = await waitUntil('the run shown as failed', async () => {
        const s = (await api(a.url, 'GET', `/api/reports/schedules/${id}`)).body;
        return s.runs?.find((r: { key: string }) => r.key === again.body.key)?.state === 'failed' ? s : undefined;
      }, 40_000, 200);
      const run = failed.runs.find((r: { key: string }) => r.key === again.body.key);
      expect(run.attempts).to.equal(3);
      expect(run.error).to.match(/554|Mailbox unavailable/);
      expect(failed.lastRun.state).to.equal('failed');
      expect(count()).to.equal(1);
      // The weekly plan is not disturbed by the failed manual run.
      expect(failed.nextRunAt).to.be.a('string');
      expect(new Date(failed.nextRunAt).getUTCDay()).to.equal(0); // Monday 07:30 in Shanghai is Sunday 23:30 UTC
    } finally {
      smtp.rejectAll(false);
    }
  });

  it('bad schedules get 400 naming the field, and nothing is stored', async () => {
    const before = (await api(a.url, 'GET', '/api/reports/schedules')).body.items.length;
    const good = { name: 'x', frequency: 'daily', time: '08:00', tz: 'UTC', reports: ['summary'], recipients: ['a@example.com'] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...good, frequency: 'weekly' }, /weekday/],
      [{ ...good, time: '25:00' }, /time/],
      [{ ...good, recipients: ['not-an-address'] }, /recipients/],
      [{ ...good, recipients: [] }, /recipients/],
      [{ ...good, tz: 'Mars/Olympus' }, /tz/],
      [{ ...good, queues: ['no-such-queue'] }, /unknown queue/],
      [{ ...good, reports: ['payroll'] }, /reports/],
    ];
    for (const [body, message] of cases) {
      const res = await api(a.url, 'POST', '/api/reports/schedules', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(JSON.stringify(res.body)).to.match(message);
    }
    expect((await api(a.url, 'GET', '/api/reports/schedules')).body.items.length).to.equal(before);
    expect((await api(a.url, 'GET', '/api/reports/schedules/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
  });
});
