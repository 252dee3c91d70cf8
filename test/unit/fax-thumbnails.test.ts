// Fax page thumbnails: pdftoppm renders the asked page of the stored PDF 240 px wide; a page
// rendered once comes from the cache (the PDF is not read again); a page past the end fails.
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaxThumbnails, THUMBNAIL_WIDTH } from '../../app/fax/fax.thumbnails.js';
import { numberedPdf } from '../support/fax-docs.js';

const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

describe('fax page thumbnails', function () {
  this.timeout(30_000);
  const pdf = readFileSync(numberedPdf(mkdtempSync(join(tmpdir(), 'fax-thumb-')), 2));

  it('renders the asked page as a PNG 240 px wide, different per page, cached after the first time', async () => {
    const thumbs = new FaxThumbnails(10);
    let reads = 0;
    const source = async () => (reads++, pdf);
    const p1 = await thumbs.page('f1', 1, source);
    const p2 = await thumbs.page('f1', 2, source);
    expect(p1.subarray(1, 4).toString('latin1')).to.equal('PNG');
    expect(pngSize(p1).width).to.equal(THUMBNAIL_WIDTH);
    expect(pngSize(p1).height).to.be.within(300, 320); // US Letter's ratio
    expect(p1.equals(p2)).to.equal(false);
    expect(reads).to.equal(2);
    expect((await thumbs.page('f1', 1, source)).equals(p1)).to.equal(true);
    expect(reads, 'the cached page did not read the PDF again').to.equal(2);
  });

  it('a page past the end of the PDF fails (the route answers 404 before asking)', async () => {
    let failed = false;
    await new FaxThumbnails().page('f2', 3, async () => pdf).catch(() => (failed = true));
    expect(failed).to.equal(true);
  });
});
