// npm run bench:fax — fax figures (not run in CI). Run under the Asterisk lock:
//   flock -o /tmp/hotline-pbx.lock npm run bench:fax
// 1. Outbound conversion time per page: a 10-page PDF, a .docx (LibreOffice) and a PNG, each
//    with a cover page, through the same code Hotline runs (checks, cover, merge, fax TIFF).
// 2. Inbound: BENCH_FAX_CALLS (6) one-page faxes from the far end (test/support/fax-far.ts)
//    through an IVR fax node, BENCH_FAX_PARALLEL (2) at a time; for each, the time from the end
//    of the fax call (the far end's SendFAX result) to the PDF listed in the inbox (the API).
import 'reflect-metadata';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDocument, writeFaxImage } from '../app/fax/fax.documents.js';
import { api, publishFlow } from '../test/support/api.js';
import { createTestDb } from '../test/support/db.js';
import { docxWithText, faxTiff, numberedPdf, pngWithText } from '../test/support/fax-docs.js';
import { FAX_ENV, farSendAnswered, farSendFax, farSendResult, farSpoolDir, startFaxFar, stopFaxFar } from '../test/support/fax-far.js';
import { startHotline, stopAllHotlines } from '../test/support/hotline.js';
import { ensurePbx, waitUntil } from '../test/support/pbx.js';

const env = process.env;
const CALLS = Number(env.BENCH_FAX_CALLS ?? 6);
const PARALLEL = Number(env.BENCH_FAX_PARALLEL ?? 2);
const out = (s: string) => process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function conversion(work: string): Promise<void> {
  const docs = [
    { name: '10-page PDF', file: numberedPdf(work, 10, 'ten') },
    { name: '.docx (LibreOffice)', file: docxWithText(work, '<p>报价单 Quotation</p><p>您好，请查收本月报价。</p>'.repeat(20), 'bench-letter') },
    { name: 'PNG (LibreOffice)', file: pngWithText(work, 'BENCH', 'bench-png') },
  ];
  out('| document | pages (with cover) | total ms | ms per page |');
  out('|---|---|---|---|');
  for (const d of docs) {
    const t = Date.now();
    const p = await prepareDocument(readFileSync(d.file), { maxPages: 50, cover: { from: '热线 Hotline', to: 'bench', subject: '测试 bench', note: '您好' } });
    await writeFaxImage(p.pdf, join(work, 'bench.tif'));
    const ms = Date.now() - t;
    out(`| ${d.name} | ${p.pages} | ${ms} | ${Math.round(ms / p.pages)} |`);
  }
}

async function inbound(work: string): Promise<void> {
  ensurePbx();
  const db = await createTestDb('mariadb');
  await startFaxFar({ t38: false });
  const hotline = await startHotline({ ...db.env, ...FAX_ENV });
  try {
    await publishFlow(hotline.url, 'bench-fax', { entry: 'f', nodes: { f: { type: 'fax', queue: 'bench-fax' } } }, ['6399']);
    const tif = faxTiff(numberedPdf(work, 1, 'bench-one'), join(farSpoolDir(), 'bench-one.tif'));
    const latencies: number[] = [];
    const filed = new Set<string>();
    let n = 0;
    const one = async () => {
      const me = String(++n).padStart(4, '0');
      const key = `bench-${Date.now()}-${me}`;
      await farSendFax({ number: '6399', caller: `8610000${me}`, tif, key, waitSeconds: 0 });
      await waitUntil('the far end to answer', () => farSendAnswered(key), 30_000, 200);
      const sent = await waitUntil('the far end to finish', () => farSendResult(key), 180_000, 100);
      const ended = Date.now();
      if (sent.status !== 'SUCCESS') throw new Error(`far end: ${JSON.stringify(sent)}`);
      await waitUntil('the fax in the inbox', async () => {
        const items = (await api(hotline.url, 'GET', '/api/fax?direction=in&queue=bench-fax&limit=200')).body.items as Array<{ id: string; status: string; remoteNumber: string }>;
        const f = items.find((i) => i.remoteNumber.endsWith(me) && i.status === 'received' && !filed.has(i.id));
        if (f) filed.add(f.id);
        return f;
      }, 60_000, 100);
      latencies.push(Date.now() - ended);
    };
    for (let i = 0; i < CALLS; i += PARALLEL) await Promise.all(Array.from({ length: Math.min(PARALLEL, CALLS - i) }, one));
    out(`inbound: ${latencies.length} faxes, end of the fax call -> PDF in the inbox: p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms`);
  } finally {
    await stopAllHotlines();
    await stopFaxFar();
    await db.drop();
  }
}

const work = mkdtempSync(join(tmpdir(), 'fax-bench-'));
out(`fax bench ${new Date().toISOString()}`);
await conversion(work);
if (env.BENCH_FAX_INBOUND !== '0') await inbound(work);
