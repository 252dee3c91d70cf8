// Outbound faxes between two real Asterisk instances: Hotline converts an upload (a .docx with
// Chinese text, a PNG) with a cover page to fax images and sends them with SendFAX to the far
// end (test/support/fax-far.ts), whose ReceiveFAX reports SUCCESS with the right page count —
// over G.711, then over T.38 (the far end offers it). Retries: busy once then taken (sent on the
// second attempt), never answered (failed after the configured attempts); nothing sent twice.
// Bad input: 4xx, nothing stored, nothing dialed. On MariaDB (the state hot standby reads).
import { expect } from 'chai';
import http from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { docxWithText, emptyPdf, encryptedPdf, numberedPdf, pdfPages, pngWithText } from '../support/fax-docs.js';
import { FAX_ENV, farCli, farDbPut, farReceived, startFaxFar, stopFaxFar } from '../support/fax-far.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';

describe('fax out: documents to a far-end Asterisk over G.711 and T.38, retries, bad input (mariadb)', function () {
  this.timeout(300_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  let token: string;
  const work = mkdtempSync(join(tmpdir(), 'fax-out-'));

  before(async () => {
    ensurePbx();
    db = await createTestDb('mariadb');
    await startFaxFar({ t38: false });
    hotline = await startHotline({
      ...db.env,
      ...FAX_ENV,
      HOTLINE_FAX_DIAL: 'PJSIP/callers/sip:{number}@127.0.0.1:5081',
      HOTLINE_FAX_ATTEMPTS: '2',
      HOTLINE_FAX_RETRY_SECONDS: '3',
      HOTLINE_FAX_RING_SECONDS: '8',
      HOTLINE_FAX_MAX_PAGES: '5',
      HOTLINE_FAX_DENIED_PREFIXES: '900',
      HOTLINE_FAX_CALLER_ID: '8621555000',
    });
    const login = await fetch(`${hotline.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'Test-Hotline-passw0rd!' }) });
    token = ((await login.json()) as { token: string }).token;
  });
  afterEach(function () {
    hangupAll();
    // What Hotline said about its faxes, when a test failed.
    if (this.currentTest?.state === 'failed') for (const l of hotline.logLines().filter((x) => x.module === 'fax')) console.log(JSON.stringify(l));
  });
  after(async () => {
    await stopAllHotlines();
    await stopFaxFar();
    await db?.drop();
  });

  /** An upload on a connection of its own (a conversion can outlast a pooled keep-alive socket). */
  const send = (file: string, query: Record<string, string>, type = 'application/octet-stream') =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const body = readFileSync(file);
      const req = http.request(`${hotline.url}/api/fax/send?${new URLSearchParams(query)}`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': type, 'content-length': body.length } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.once('error', reject);
      req.end(body);
    });
  const get = async (id: string) => (await (await fetch(`${hotline.url}/api/fax/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
  /** The far end's result for `number`, once its ReceiveFAX call has ended. */
  const farDone = (number: string) => waitUntil(`the far end's result for ${number}`, () => (farReceived(number).last ? farReceived(number) : undefined), 15_000, 250);
  /** Polls the fax until it is sent or failed, recording every status seen in order. */
  const follow = async (id: string, first: string) => {
    const seen = [first];
    const end = await waitUntil(`fax ${id} to end`, async () => {
      const f = await get(id);
      if (seen.at(-1) !== f.status) seen.push(f.status);
      return ['sent', 'failed'].includes(f.status) ? f : undefined;
    }, 240_000, 200);
    return { fax: end, seen };
  };

  it('G.711: a .docx with Chinese text and a PNG reach the far end (SUCCESS, right page count); queued -> sending -> sent', async () => {
    const docx = docxWithText(work, '<p>报价单 Quotation</p><p>您好，请查收本月报价。</p>');
    const png = pngWithText(work, 'PNG');
    const a = await send(docx, { to: '7001', subject: '报价单', coverFrom: '热线客服部', coverNote: '您好，请查收。' });
    expect(a.status, JSON.stringify(a.body)).to.equal(202);
    const followA = follow(a.body.id, a.body.status);
    const b = await send(png, { to: '7002', subject: 'picture', cover: 'no' }, 'image/png');
    expect(b.status, JSON.stringify(b.body)).to.equal(202);
    expect(a.body.pages).to.equal(2); // cover + the letter
    expect(b.body.pages).to.equal(1);
    const [ra, rb] = await Promise.all([followA, follow(b.body.id, b.body.status)]);
    for (const [r, number] of [[ra, '7001'], [rb, '7002']] as const) {
      expect(r.seen, number).to.deep.equal(['queued', 'sending', 'sent']);
      const far = await farDone(number);
      expect(far.last?.status, JSON.stringify(far)).to.equal('SUCCESS');
      expect(far.last?.pages).to.equal(r.fax.pages);
      expect(far.ok).to.equal(1);
      expect(r.fax.attempts).to.equal(1);
      expect(r.fax.rate).to.be.at.least(9600);
    }
    // Both went as audio (the far end offers no T.38).
    const stats = farCli('fax show stats');
    expect(Number(/Spandsp G\.711\s+Success\s*:\s*(\d+)/.exec(stats)?.[1] ?? 0), stats).to.equal(2);
    // What was kept is what was sent: the PDF Hotline stores has the fax's pages.
    const pdf = await fetch(`${hotline.url}/api/fax/${a.body.id}/pdf`, { headers: { authorization: `Bearer ${token}` } });
    const file = join(work, 'kept.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    expect(pdfPages(file)).to.equal(2);
  });

  it('T.38: with the far end offering T.38 the fax goes over T.38 and arrives whole', async () => {
    await startFaxFar({ t38: true });
    const png = pngWithText(work, 'T38', 't38');
    const r = await send(png, { to: '7003', subject: 't38', coverNote: 'T.38 传真' }, 'image/png');
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    const { fax, seen } = await follow(r.body.id, r.body.status);
    expect(seen).to.deep.equal(['queued', 'sending', 'sent']);
    const far = await farDone('7003');
    expect(far.last?.status, JSON.stringify(far)).to.equal('SUCCESS');
    expect(far.last?.pages).to.equal(2);
    expect(fax.pages).to.equal(2);
    const stats = farCli('fax show stats');
    expect(Number(/Spandsp T\.38\s+Success\s*:\s*(\d+)/.exec(stats)?.[1] ?? 0), stats).to.be.at.least(1);
  });

  it('retries: busy once then taken is sent on the second attempt; never answered ends failed after 2 attempts; nothing sent twice', async () => {
    farDbPut('farmode', '7004', 'busyonce');
    farDbPut('farmode', '7005', 'noanswer');
    const png = pngWithText(work, 'RETRY', 'retry');
    const busy = await send(png, { to: '7004', cover: 'no' }, 'image/png');
    const followBusy = follow(busy.body.id, busy.body.status);
    const deaf = await send(png, { to: '7005', cover: 'no' }, 'image/png');
    const [rb, rd] = await Promise.all([followBusy, follow(deaf.body.id, deaf.body.status)]);
    expect(rb.fax.status).to.equal('sent');
    expect(rb.fax.attempts).to.equal(2);
    expect(rb.seen).to.deep.equal(['queued', 'sending', 'queued', 'sending', 'sent']);
    expect(rb.fax.error).to.equal('');
    await farDone('7004');
    expect(farReceived('7004')).to.include({ calls: 2, ok: 1 });
    expect(rd.fax.status).to.equal('failed');
    expect(rd.fax.attempts).to.equal(2);
    expect(rd.fax.error).to.match(/no answer|hung up|not answered/);
    expect(farReceived('7005')).to.include({ calls: 2, ok: 0 });
    // Some seconds later: still no third call to either.
    await new Promise((r) => setTimeout(r, 5000));
    expect(farReceived('7004').calls).to.equal(2);
    expect(farReceived('7005').calls).to.equal(2);
  });

  it('bad input: encrypted, 0 pages, over the page limit, no document, a forbidden number: 4xx, nothing stored, nothing dialed', async () => {
    const before = (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM faxes'))[0]!.n;
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'just some text, not a document\n');
    const cases: Array<[string, string, Record<string, string>, number, string]> = [
      ['encrypted PDF', encryptedPdf(work, numberedPdf(work, 1, 'one')), { to: '7099' }, 400, 'encrypted_document'],
      ['0 pages', emptyPdf(work), { to: '7099' }, 400, 'empty_document'],
      ['over the page limit', numberedPdf(work, 5, 'five'), { to: '7099' }, 400, 'too_many_pages'], // 5 + cover > 5
      ['not a document', text, { to: '7099' }, 415, 'not_a_document'],
      ['a forbidden number', numberedPdf(work, 1, 'ok'), { to: '900123456' }, 403, 'number_not_allowed'],
      ['no number at all', numberedPdf(work, 1, 'ok2'), {}, 400, 'validation_failed'],
    ];
    for (const [what, file, query, status, code] of cases) {
      const r = await send(file, query);
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).to.equal(status);
      expect(r.body.error?.code ?? r.body.code, what).to.equal(code);
    }
    expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM faxes'))[0]!.n).to.equal(before);
    await new Promise((r) => setTimeout(r, 2000));
    expect(farReceived('7099').calls).to.equal(0);
    expect(farReceived('900123456').calls).to.equal(0);
  });
});
