// Finds a DTD in an XML part of an .xlsx as its bytes are inflated, before any XML parser
// sees them: "<!DOCTYPE" or "<!ENTITY" in any letter case, across chunk boundaries, in UTF-8
// and in UTF-16 (either byte order: NUL bytes are skipped). Only the bytes around each "!"
// are looked at, so a part costs one indexOf pass.
import { DtdNotAllowedError } from './io.errors.js';

const DECLARATION = /<!(?:doctype|entity)/i;
/** Bytes kept from the end of a chunk: "<!DOCTYPE" in UTF-16 is 18. */
const KEEP = 24;

export class DtdScanner {
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly entry: string) {}

  push(chunk: Buffer): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    for (let i = buf.indexOf(0x21); i >= 0; i = buf.indexOf(0x21, i + 1)) {
      const around = buf.subarray(Math.max(0, i - 3), i + KEEP).toString('latin1').replace(/\0/g, '');
      if (DECLARATION.test(around)) throw new DtdNotAllowedError(this.entry);
    }
    this.carry = Buffer.from(buf.subarray(Math.max(0, buf.length - KEEP)));
  }
}
