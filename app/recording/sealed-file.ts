// Recordings at rest: AES-256-GCM in chunks, so a byte range of the audio is decrypted without
// reading the whole file (HTTP Range while streaming). Layout:
//   header: "HLRC" | version 1 | key-id length | key id | nonce (12) | chunk size (u32 BE) | audio bytes (u64 BE)
//   chunks: ciphertext (chunk size, the last one shorter) | GCM tag (16)
// Chunk i: nonce with its last 4 bytes XOR i; the header and i are authenticated (AAD), so a chunk
// cannot be moved, swapped between files or a file cut short unnoticed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Key } from './key-ring.js';

const MAGIC = Buffer.from('HLRC');
const TAG = 16;
export const CHUNK = 64 * 1024;

export class SealedFileError extends Error {}

function chunkNonce(nonce: Buffer, i: number): Buffer {
  const n = Buffer.from(nonce);
  n.writeUInt32BE((n.readUInt32BE(8) ^ i) >>> 0, 8);
  return n;
}

function aad(header: Buffer, i: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(i);
  return Buffer.concat([header, b]);
}

export function seal(audio: Buffer, key: Key, chunkSize = CHUNK): Buffer {
  const id = Buffer.from(key.id);
  const nonce = randomBytes(12);
  const header = Buffer.alloc(4 + 1 + 1 + id.length + 12 + 4 + 8);
  let o = MAGIC.copy(header, 0);
  header.writeUInt8(1, o++);
  header.writeUInt8(id.length, o++);
  o += id.copy(header, o);
  o += nonce.copy(header, o);
  header.writeUInt32BE(chunkSize, o);
  header.writeBigUInt64BE(BigInt(audio.length), o + 4);
  const parts = [header];
  for (let i = 0, at = 0; at < audio.length || i === 0; i++, at += chunkSize) {
    const c = createCipheriv('aes-256-gcm', key.key, chunkNonce(nonce, i));
    c.setAAD(aad(header, i));
    parts.push(c.update(audio.subarray(at, at + chunkSize)), c.final(), c.getAuthTag());
    if (audio.length === 0) break;
  }
  return Buffer.concat(parts);
}

export interface SealedHeader {
  header: Buffer;
  keyId: string;
  nonce: Buffer;
  chunkSize: number;
  audioBytes: number;
}

export function readHeader(b: Buffer): SealedHeader {
  if (b.length < 30 || !b.subarray(0, 4).equals(MAGIC) || b[4] !== 1) throw new SealedFileError('not a sealed recording');
  const idLen = b[5]!;
  const end = 6 + idLen + 12 + 12;
  if (b.length < end) throw new SealedFileError('sealed recording header cut short');
  return {
    header: b.subarray(0, end),
    keyId: b.subarray(6, 6 + idLen).toString(),
    nonce: b.subarray(6 + idLen, 6 + idLen + 12),
    chunkSize: b.readUInt32BE(6 + idLen + 12),
    audioBytes: Number(b.readBigUInt64BE(6 + idLen + 16)),
  };
}

/** Header bytes enough for any key id. */
export const HEADER_MAX = 6 + 255 + 24;

/** Decrypts audio bytes [start, end] (inclusive) of an open sealed file, chunk by chunk. */
export async function* openRange(fh: FileHandle, h: SealedHeader, key: Key, start: number, end: number): AsyncGenerator<Buffer> {
  if (h.audioBytes === 0) return;
  const first = Math.floor(start / h.chunkSize);
  const last = Math.floor(end / h.chunkSize);
  for (let i = first; i <= last; i++) {
    const plainLen = Math.min(h.chunkSize, h.audioBytes - i * h.chunkSize);
    const buf = Buffer.alloc(plainLen + TAG);
    const pos = h.header.length + i * (h.chunkSize + TAG);
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead !== buf.length) throw new SealedFileError(`sealed recording cut short at chunk ${i}`);
    const d = createDecipheriv('aes-256-gcm', key.key, chunkNonce(h.nonce, i));
    d.setAAD(aad(h.header, i));
    d.setAuthTag(buf.subarray(plainLen));
    let plain: Buffer;
    try {
      plain = Buffer.concat([d.update(buf.subarray(0, plainLen)), d.final()]);
    } catch {
      throw new SealedFileError(`sealed recording chunk ${i} fails authentication (tampered, or the wrong key)`);
    }
    const from = i === first ? start - i * h.chunkSize : 0;
    const to = i === last ? end - i * h.chunkSize + 1 : plainLen;
    yield plain.subarray(from, to);
  }
}
