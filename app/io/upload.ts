// Streams an upload to a file with a byte limit: a declared Content-Length over the limit is
// refused before a byte is read, and a body that grows past it is cut off there. The body is
// never held in memory whole. After a refusal the rest of the body is read and dropped (so
// the client, still sending, gets to read the 413 instead of a reset), up to DISCARD_CAP;
// a client that goes on beyond that has its connection closed.
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';
import { UploadTooLargeError } from './io.errors.js';
import { logFailure } from '../log-failure.js';
import { type Logger } from '../logger.js';

export class UploadAbortedError extends AppError {
  constructor() {
    super(400, 'upload_aborted', 'the upload ended before the whole file arrived');
  }
}

const DISCARD_CAP = 256 * 1024 * 1024;

/** Reads and drops what is left of a refused body. */
export function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_CAP) req.socket.destroy();
  });
  req.resume();
}

/** Writes the request body to `file`; returns its size. The file is removed on any failure. */
export async function spoolUpload(req: IncomingMessage, file: string, maxBytes: number, log: Logger): Promise<number> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardRest(req);
    throw new UploadTooLargeError(maxBytes);
  }
  const out = createWriteStream(file, { flags: 'wx' });
  let size = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('aborted', onAborted);
        if (err instanceof UploadTooLargeError) discardRest(req);
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return fail(new UploadTooLargeError(maxBytes));
        if (!out.write(chunk)) {
          req.pause();
          out.once('drain', () => req.resume());
        }
      };
      const onEnd = () => out.end(() => resolve());
      const onAborted = () => fail(new UploadAbortedError());
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('aborted', onAborted);
      req.once('error', () => fail(new UploadAbortedError()));
      out.once('error', fail);
    });
    return size;
  } catch (err) {
    out.destroy();
    await unlink(file).catch(logFailure(log, 'removing a failed upload', { context: { file }, expected: (e) => (e as NodeJS.ErrnoException).code === 'ENOENT' }));
    throw err;
  }
}
