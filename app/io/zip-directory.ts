// Reads an .xlsx (zip) file's central directory and checks it against its local headers
// before any entry is inflated: declared sizes and ratios within the limits, no encryption,
// no ZIP64, only stored/deflate, and entries laid end to end with nothing hidden between
// them, so a streaming reader that walks the local headers (exceljs uses unzipper) sees
// exactly the entries checked here.
import { open, type FileHandle } from 'node:fs/promises';
import { ArchiveTooLargeError, mb, NotSpreadsheetError } from './io.errors.js';
import type { IoLimits } from './limits.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
  dataStart: number;
  dataEnd: number;
  /** Sizes only in a data descriptor after the data: a streaming reader looks for its signature. */
  scannedDescriptor: boolean;
}

const SIG = { local: 0x04034b50, central: 0x02014b50, eocd: 0x06054b50, zip64Locator: 0x07064b50, descriptor: 0x08074b50 };
export const DESCRIPTOR_SIGNATURE = Buffer.from([0x50, 0x4b, 0x07, 0x08]);

const damaged = (why: string) => new NotSpreadsheetError(`damaged zip archive (${why})`);

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw damaged('truncated');
  return buf;
}

type DirLimits = Pick<IoLimits, 'maxUncompressedBytes' | 'maxRatio' | 'ratioFloorBytes' | 'maxEntries'>;

export async function readZipDirectory(path: string, limits: DirLimits): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size < 22) throw new NotSpreadsheetError('too short to be an .xlsx file');
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG.eocd && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw damaged('no end of central directory');
    if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === SIG.zip64Locator) throw new NotSpreadsheetError('ZIP64 archives are not supported');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const eocdPos = size - tailLen + eocd;
    if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0 || tail.readUInt16LE(eocd + 8) !== count) {
      throw new NotSpreadsheetError('multi-part zip archives are not supported');
    }
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new NotSpreadsheetError('ZIP64 archives are not supported');
    if (count > limits.maxEntries) throw new ArchiveTooLargeError(`more than ${limits.maxEntries} entries`, { entries: count });
    if (count === 0) throw new NotSpreadsheetError('an empty zip archive');
    if (cdOffset + cdSize !== eocdPos) throw damaged('central directory out of place');

    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: Array<ZipEntry & { flags: number }> = [];
    const names = new Set<string>();
    let declared = 0;
    let compressed = 0;
    for (let p = 0, i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG.central) throw damaged('bad central directory record');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const nameLen = cd.readUInt16LE(p + 28);
      const next = p + 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      if (next > cd.length) throw damaged('bad central directory record');
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      const entry = {
        name,
        flags,
        method,
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        uncompressedSize: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
        dataStart: 0,
        dataEnd: 0,
        scannedDescriptor: false,
      };
      p = next;
      if (flags & 0x1) throw new NotSpreadsheetError('the file is encrypted (remove the password and save it again)');
      if (method !== 0 && method !== 8) throw new NotSpreadsheetError(`zip compression method ${method} is not supported`);
      if (entry.uncompressedSize === 0xffffffff || entry.compressedSize === 0xffffffff) throw new NotSpreadsheetError('ZIP64 archives are not supported');
      if (names.has(name)) throw damaged(`entry ${name} appears twice`);
      names.add(name);
      checkRatio(name, entry.uncompressedSize, entry.compressedSize, limits, 'declares');
      declared += entry.uncompressedSize;
      compressed += entry.compressedSize;
      entries.push(entry);
    }
    if (declared > limits.maxUncompressedBytes) {
      throw new ArchiveTooLargeError(`its entries declare ${mb(declared)} uncompressed (limit ${mb(limits.maxUncompressedBytes)})`, { declared });
    }
    checkRatio('the archive', declared, compressed, limits, 'declares');

    // Local headers: same names and sizes, laid end to end from offset 0 to the central directory.
    entries.sort((a, b) => a.localOffset - b.localOffset);
    let expected = 0;
    for (const e of entries) {
      if (e.localOffset !== expected) throw damaged(`unexpected bytes before entry ${e.name}`);
      const h = await readAt(fh, e.localOffset, 30);
      if (h.readUInt32LE(0) !== SIG.local) throw damaged(`no local header for ${e.name}`);
      const flags = h.readUInt16LE(6);
      const localCompressed = h.readUInt32LE(18);
      const nameLen = h.readUInt16LE(26);
      const localName = (await readAt(fh, e.localOffset + 30, nameLen)).toString('utf8');
      if (localName !== e.name || h.readUInt16LE(8) !== e.method || (flags & 0x8) !== (e.flags & 0x8)) throw damaged(`local header of ${e.name} disagrees`);
      e.dataStart = e.localOffset + 30 + nameLen + h.readUInt16LE(28);
      e.dataEnd = e.dataStart + e.compressedSize;
      if (e.dataEnd > cdOffset) throw damaged(`entry ${e.name} runs past the end`);
      let after = e.dataEnd;
      if (flags & 0x8) {
        const signed = e.dataEnd + 4 <= cdOffset && (await readAt(fh, e.dataEnd, 4)).equals(DESCRIPTOR_SIGNATURE);
        after += signed ? 16 : 12;
        e.scannedDescriptor = localCompressed === 0;
        if (e.scannedDescriptor && !signed) throw damaged(`entry ${e.name} has a data descriptor without signature`);
        if (!e.scannedDescriptor && localCompressed !== e.compressedSize) throw damaged(`local header of ${e.name} disagrees`);
      } else if (localCompressed !== e.compressedSize || h.readUInt32LE(22) !== e.uncompressedSize) {
        throw damaged(`local header of ${e.name} disagrees`);
      }
      expected = after;
    }
    if (expected !== cdOffset) throw damaged('unexpected bytes before the central directory');
    return entries;
  } finally {
    await fh.close();
  }
}

export function checkRatio(name: string, uncompressed: number, compressed: number, limits: Pick<IoLimits, 'maxRatio' | 'ratioFloorBytes'>, verb: string): void {
  if (uncompressed > limits.ratioFloorBytes && uncompressed > Math.max(compressed, 1) * limits.maxRatio) {
    const ratio = Math.round(uncompressed / Math.max(compressed, 1));
    throw new ArchiveTooLargeError(`${name} ${verb} a compression ratio of ${ratio}:1 (limit ${limits.maxRatio}:1)`, { entry: name, ratio });
  }
}
