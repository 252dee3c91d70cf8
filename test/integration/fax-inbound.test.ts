// Inbound fax over G.711 through the IVR's fax option, between two real Asterisk instances:
// the far end (test/support/fax-far.ts) calls Hotline's number, presses 1 in the menu and sends
// a 3-page document (a large page number on each page) with SendFAX. Hotline files a 3-page
// PDF whose pages, rendered, match the sent pages in order; the caller's customer gets a
// timeline entry; the queue's inbox lists it. One fax call (~70 s), on MariaDB.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { api, publishFlow } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { faxTiff, numberedPdf, pdfPages, pixelDifference, renderPages, tiffPdf } from '../support/fax-docs.js';
import { FAX_ENV, farSendAnswered, farSendFax, farSendResult, farSpoolDir, startFaxFar, stopFaxFar } from '../support/fax-far.js';
import { startHotline, stopAllHotlines, type HotlineProcess } from '../support/hotline.js';
import { ensurePbx, hangupAll, waitUntil } from '../support/pbx.js';

describe('fax in: G.711 through the IVR fax option (mariadb)', function () {
  this.timeout(300_000);
  let db: TestDb;
  let hotline: HotlineProcess;
  const work = mkdtempSync(join(tmpdir(), 'fax-in-'));
  const caller = `86139${String(Date.now()).slice(-8)}`;

  before(async () => {
    ensurePbx();
    db = await createTestDb('mariadb');
    await startFaxFar({ t38: false });
    hotline = await startHotline({ ...db.env, ...FAX_ENV, HOTLINE_FAX_DETECT_NUMBERS: '6303', HOTLINE_FAX_DETECT_INBOX: 'fax-auto' });
  });
  afterEach(() => hangupAll());
  after(async () => {
    await stopAllHotlines();
    await stopFaxFar();
    await db?.drop();
  });

  it('files a 3-page fax as a PDF whose pages match the sent pages in order, on the customer and in the queue inbox', async () => {
    const customer = await api(hotline.url, 'POST', '/api/customers', { name: '传真客户 Fax Customer', phones: [caller] });
    expect(customer.status).to.equal(201);
    await publishFlow(hotline.url, 'fax-in', {
      entry: 'menu',
      nodes: {
        menu: { type: 'menu', prompt: { sound: 'hello-world' }, options: { '1': 'fax' }, timeoutMs: 15000, retries: 0, onExhausted: 'bye', bargeIn: true },
        fax: { type: 'fax', queue: 'fax-desk' },
        bye: { type: 'hangup' },
      },
    }, ['6301']);

    const sentPdf = numberedPdf(work, 3);
    const tif = faxTiff(sentPdf, join(farSpoolDir(), 'three-pages.tif'));
    const key = `in-${Date.now()}`;
    await farSendFax({ number: '6301', caller, tif, key, digits: '1', waitSeconds: 2 });

    await waitUntil('Hotline to answer the far end\'s fax call', () => farSendAnswered(key), 30_000, 500);
    // The far end's own verdict, then Hotline's filed fax.
    const sent = await waitUntil('the far end to finish sending', () => farSendResult(key), 180_000, 1000);
    expect(sent.status, JSON.stringify(sent)).to.equal('SUCCESS');
    expect(sent.pages).to.equal(3);
    const fax = await waitUntil('the fax to be filed', async () => {
      const list = await api(hotline.url, 'GET', '/api/fax?direction=in&queue=fax-desk');
      const f = list.body.items?.[0];
      return f && !['receiving', 'filing'].includes(f.status) ? f : undefined;
    }, 30_000, 500);
    expect(fax.status, JSON.stringify(fax)).to.equal('received');
    expect(fax.pages).to.equal(3);
    expect(fax.remoteNumber).to.equal(caller);
    expect(fax.localNumber).to.equal('6301');
    expect(fax.rate).to.be.at.least(9600);
    expect(fax.durationSeconds).to.be.within(20, 170);
    expect(fax.customerId).to.equal(customer.body.id);
    expect(fax.callId).to.be.a('string');
    // The far end's station id is Asterisk's default (empty) unless set: whatever it said is kept as is.
    expect(fax).to.have.property('remoteStationId');

    // The stored PDF: 3 pages, each rendering like the page that was sent, in order.
    const pdf = await api(hotline.url, 'GET', `/api/fax/${fax.id}/pdf`);
    expect(pdf.status).to.equal(200);
    const got = join(work, 'received.pdf');
    writeFileSync(got, pdf.body as Buffer);
    expect(pdfPages(got)).to.equal(3);
    const want = renderPages(tiffPdf(tif, join(work, 'sent.pdf')));
    const have = renderPages(got);
    expect(have).to.have.length(3);
    const diff = (i: number, j: number) => pixelDifference(have[i]!, want[j]!);
    for (let i = 0; i < 3; i++) {
      expect(diff(i, i), `page ${i + 1} against sent page ${i + 1}`).to.be.below(0.02);
      // ...and clearly unlike the other pages: the order is checked, not only the count.
      for (let j = 0; j < 3; j++) if (j !== i) expect(diff(i, j), `page ${i + 1} against sent page ${j + 1}`).to.be.above(2 * diff(i, i) + 0.005);
    }

    // The customer's timeline has the fax; the general inbox does not (it went to fax-desk's).
    const timeline = await api(hotline.url, 'GET', `/api/customers/${customer.body.id}/timeline`);
    const entry = (timeline.body.items as Array<{ kind: string; refId: string; summary: string }>).find((i) => i.kind === 'fax');
    expect(entry?.refId).to.equal(fax.id);
    expect(entry?.summary).to.include('3 page');
    expect((await api(hotline.url, 'GET', '/api/fax?direction=in&queue=')).body.items).to.have.length(0);
    // Bad queries are refused.
    expect((await api(hotline.url, 'GET', '/api/fax?direction=sideways')).status).to.equal(400);
    expect((await api(hotline.url, 'GET', '/api/fax/not-a-uuid/pdf')).status).to.equal(400);
    // Filed exactly once.
    expect(await db.query('SELECT id FROM faxes')).to.have.length(1);
  });

  it('tone detection: a fax sent to a voice number with detection on lands as a fax, not in the menu', async () => {
    await publishFlow(hotline.url, 'voice-only', {
      entry: 'menu',
      nodes: {
        menu: { type: 'menu', prompt: { sound: 'hello-world' }, options: { '1': 'bye' }, timeoutMs: 3000, retries: 0, onExhausted: 'bye' },
        bye: { type: 'hangup', prompt: { sound: 'goodbye' } },
      },
    }, ['6303']);
    const tif = faxTiff(numberedPdf(work, 1, 'one-page'), join(farSpoolDir(), 'one-page.tif'));
    const key = `detect-${Date.now()}`;
    const sender = `86137${String(Date.now()).slice(-8)}`;
    // No key pressed: only the fax machine's tones.
    await farSendFax({ number: '6303', caller: sender, tif, key });
    const sent = await waitUntil('the far end to finish sending', () => farSendResult(key), 150_000, 1000);
    expect(sent.status, JSON.stringify(sent)).to.equal('SUCCESS');
    const fax = await waitUntil('the detected fax to be filed', async () => {
      const f = (await api(hotline.url, 'GET', '/api/fax?direction=in&queue=fax-auto')).body.items?.[0];
      return f && !['receiving', 'filing'].includes(f.status) ? f : undefined;
    }, 30_000, 500);
    expect(fax).to.include({ status: 'received', pages: 1, remoteNumber: sender, localNumber: '6303' });
    // The voice menu never ran for this call.
    expect(await db.query("SELECT id FROM call_records WHERE called_number = '6303'")).to.have.length(0);
  });
});
