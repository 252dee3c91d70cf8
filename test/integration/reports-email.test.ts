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
import { periodOfRun } from '../../app/reports/schedule-time.js';

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

/** Every row of the first sheet of an .xlsx (values from column 1), and the texts of its definitions sheet. */
async function sheetRows(xlsx: Buffer): Promise<{ rows: unknown[][]; definitions: string }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as never);
  const rows: unknown[][] = [];
  wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  const defs: string[] = [];
  wb.worksheets[1]!.eachRow((row) => defs.push(String(row.getCell(2).value)));
  return { rows, definitions: defs.join('\n') };
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

/** Queues of the filter test and their skill groups. */
const FILTER_QUEUES: Record<string, string> = { 'flt-sales': 'presales', 'flt-support': 'service', 'flt-vip': 'service' };

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
    // Queues with skill groups (the schedules' skill-group filter).
    for (const [name, skillGroup] of Object.entries(FILTER_QUEUES)) {
      const res = await api(a.url, 'POST', '/api/acd/queues', { name, settings: { skillGroup } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
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

  it('a schedule with a weekday, time-of-day and skill-group filter sends .xlsx files whose figures equal the API report with the same filter', async () => {
    // Weekly, Monday 06:00 in Shanghai (UTC+8, no DST); "send now" covers the last full local week.
    const tz = 'Asia/Shanghai';
    const period = periodOfRun({ frequency: 'weekly', time: '06:00', weekday: 1, tz }, Date.now());
    // Every day of that week, at local times on both sides of 09:00 and 12:00, in each queue: a distinct count per bucket.
    const TIMES = ['08:45', '09:00', '11:45', '12:00'];
    const seeded: Array<{ day: number; time: string; queue: string; offered: number; answered: number }> = [];
    let n = 0;
    for (let day = 0; day < 7; day++) {
      const date = new Date(period.from.getTime() + 8 * 3_600_000 + day * DAY).toISOString().slice(0, 10);
      for (const time of TIMES) {
        for (const queue of Object.keys(FILTER_QUEUES)) {
          const offered = 1 + (n++ % 6);
          const answered = Math.floor(offered / 2);
          await seedBucket(db, new Date(`${date}T${time}:00+08:00`), queue, offered, answered);
          seeded.push({ day: day + 1, time, queue, offered, answered });
        }
      }
    }
    // The filter: Monday to Wednesday, 09:00–12:00 local, skill group 'service' (flt-support, flt-vip).
    const kept = seeded.filter((x) => x.day <= 3 && x.time >= '09:00' && x.time < '12:00' && FILTER_QUEUES[x.queue] === 'service');
    const want = { offered: kept.reduce((s, x) => s + x.offered, 0), answered: kept.reduce((s, x) => s + x.answered, 0) };

    const created = await api(a.url, 'POST', '/api/reports/schedules', {
      name: 'Service mornings', frequency: 'weekly', weekday: 1, time: '06:00', tz, reports: ['summary', 'queues'], locale: 'en', recipients: ['lead@example.com'],
      weekdays: [3, 1, 2], dayStart: '09:00', dayEnd: '12:00', skillGroups: ['service'],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    // Stored and shown as given (weekdays in order), on both nodes.
    const shown = (await api(b.url, 'GET', `/api/reports/schedules/${created.body.id}`)).body;
    expect([shown.weekdays, shown.dayStart, shown.dayEnd, shown.skillGroups, shown.queues]).to.deep.equal([[1, 2, 3], '09:00', '12:00', ['service'], null]);

    const sent = await api(a.url, 'POST', `/api/reports/schedules/${created.body.id}/send`);
    expect(sent.status).to.equal(202);
    expect([sent.body.from, sent.body.to]).to.deep.equal([period.from.toISOString(), period.to.toISOString()]);
    const mail = await waitUntil('the filtered report at the SMTP server', () => smtp.received.find((m) => m.subject?.includes('Service mornings')), 30_000, 200);

    // The API's reports with the same filter.
    const query = `from=${encodeURIComponent(period.from.toISOString())}&to=${encodeURIComponent(period.to.toISOString())}&tz=${encodeURIComponent(tz)}&weekdays=1,2,3&dayStart=09:00&dayEnd=12:00&skillGroups=service&locale=en`;
    const summary = await api(a.url, 'GET', `/api/reports/summary?${query}&interval=day`);
    expect(summary.status, JSON.stringify(summary.body)).to.equal(200);
    expect([summary.body.total.offered, summary.body.total.answered]).to.deep.equal([want.offered, want.answered]);
    const unfiltered = await api(a.url, 'GET', `/api/reports/summary?from=${encodeURIComponent(period.from.toISOString())}&to=${encodeURIComponent(period.to.toISOString())}&tz=${encodeURIComponent(tz)}&queues=flt-sales,flt-support,flt-vip`);
    expect(unfiltered.body.total.offered, 'the filter leaves calls out').to.be.greaterThan(want.offered);

    // The summary .xlsx: a row per day (Monday to Wednesday only) and the total, as the API.
    const s = await sheetRows(attachment(mail, 'summary-')!.content);
    const header = s.rows[0]!.map(String);
    const col = (h: string) => header.indexOf(h);
    const total = s.rows.find((r) => r[0] === 'Total')!;
    expect([total[col('Offered')], total[col('Answered')], total[col('Abandoned')], total[col('Service level')]]).to.deep.equal([summary.body.total.offered, summary.body.total.answered, summary.body.total.abandoned, summary.body.total.serviceLevel]);
    const days = s.rows.slice(1).filter((r) => r[0] !== 'Total');
    expect(days.map((r) => [r[0], r[col('Offered')]])).to.deep.equal(summary.body.items.map((i: { period: string; offered: number }) => [i.period, i.offered]));
    expect(days).to.have.length(3);
    expect(s.definitions).to.include('Weekdays Mon–Wed, 09:00–12:00 (local time in Asia/Shanghai)').and.include('skill group service (queues flt-support, flt-vip)');

    // The queue comparison .xlsx: only the group's queues, each as the API, and the group's total.
    const queues = await api(a.url, 'GET', `/api/reports/queues?${query}`);
    expect(queues.status).to.equal(200);
    const q = await sheetRows(attachment(mail, 'queues-')!.content);
    const qh = q.rows[0]!.map(String);
    const byFirst = (first: string) => q.rows.find((r) => r[0] === first);
    expect(byFirst('flt-sales')).to.equal(undefined);
    for (const item of queues.body.items as Array<{ queue: string; offered: number; answered: number }>) {
      expect([byFirst(item.queue)?.[qh.indexOf('Offered')], byFirst(item.queue)?.[qh.indexOf('Answered')]], item.queue).to.deep.equal([item.offered, item.answered]);
    }
    expect(queues.body.items.map((i: { queue: string }) => i.queue)).to.deep.equal(['flt-support', 'flt-vip']);
    const group = q.rows.find((r) => r[0] === 'Skill group total' && r[1] === 'service')!;
    expect(group[qh.indexOf('Offered')]).to.equal(queues.body.skillGroups[0].offered).and.equal(want.offered);

    // The mail's totals and the filter stated.
    expect(mail.text).to.include(`Offered: ${want.offered}`).and.include('Weekdays Mon–Wed, 09:00–12:00 (local time in Asia/Shanghai)');
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
      // The reports' filters, checked as the reports check them.
      [{ ...good, weekdays: [0] }, /weekdays/],
      [{ ...good, weekdays: [1, 8] }, /weekdays/],
      [{ ...good, weekdays: ['1'] }, /weekdays/],
      [{ ...good, weekdays: [] }, /weekdays/],
      [{ ...good, dayStart: '08:10' }, /dayStart.*15-minute boundary/],
      [{ ...good, dayStart: '24:00' }, /dayStart/],
      [{ ...good, dayEnd: '25:00' }, /dayEnd/],
      [{ ...good, dayStart: '18:00', dayEnd: '08:00' }, /dayEnd.*must be after its start/],
      [{ ...good, skillGroups: ['no-such-group'] }, /skillGroups.*unknown skill group \(no queue has it\): no-such-group/],
      [{ ...good, skillGroups: ['presales'], queues: ['flt-support'] }, /skillGroups.*none of the queues flt-support is in the skill group presales/],
      [{ ...good, skillGroups: ['a,b'] }, /skillGroups/],
    ];
    for (const [body, message] of cases) {
      const res = await api(a.url, 'POST', '/api/reports/schedules', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(JSON.stringify(res.body)).to.match(message);
    }
    expect((await api(a.url, 'GET', '/api/reports/schedules')).body.items.length).to.equal(before);
    // A bad filter on an update changes nothing either.
    const made = await api(a.url, 'POST', '/api/reports/schedules', { ...good, name: 'kept as it was', skillGroups: ['presales'] });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const put = await api(a.url, 'PUT', `/api/reports/schedules/${made.body.id}`, { ...good, name: 'changed', skillGroups: ['nope'] });
    expect(put.status).to.equal(400);
    const stored = (await api(a.url, 'GET', `/api/reports/schedules/${made.body.id}`)).body;
    expect([stored.name, stored.skillGroups]).to.deep.equal(['kept as it was', ['presales']]);
    expect((await api(a.url, 'DELETE', `/api/reports/schedules/${made.body.id}`)).status).to.equal(204);
    expect((await api(a.url, 'GET', '/api/reports/schedules/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
  });
});
