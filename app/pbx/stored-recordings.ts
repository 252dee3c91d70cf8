// Asterisk's stored recordings over ARI (/recordings/stored/{name}): the voicemail messages the
// IVR's record() left. Reads work on any node (plain REST, no Stasis socket); deleting is a
// command, only while this node is active. 404 means "no such recording", never an error.
import type { AriHttp } from './ari/http.js';
import { AriHttpError } from './ari/http.js';
import { FencedError, type StoredRecordingFile, type StoredRecordings } from './ports.js';

/** The names Hotline stores (hotline-vm-<uuid> ...): nothing a path could be made of. */
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

function path(name: string, tail = ''): string {
  if (!NAME.test(name)) throw new TypeError(`not a stored recording name: ${name}`);
  return `/recordings/stored/${encodeURIComponent(name)}${tail}`;
}

export class AriStoredRecordings implements StoredRecordings {
  constructor(
    private readonly ari: AriHttp,
    private readonly mayAct: () => boolean,
  ) {}

  async exists(name: string): Promise<boolean> {
    try {
      await this.ari.request('GET', path(name));
      return true;
    } catch (err) {
      if (err instanceof AriHttpError && err.isNotFound) return false;
      throw err;
    }
  }

  async open(name: string): Promise<StoredRecordingFile | null> {
    try {
      const res = await this.ari.stream('GET', path(name, '/file'));
      const length = Number(res.headers['content-length']);
      return { body: res, bytes: Number.isFinite(length) && length >= 0 && res.headers['content-length'] !== undefined ? length : null, contentType: String(res.headers['content-type'] ?? 'audio/wav') };
    } catch (err) {
      if (err instanceof AriHttpError && err.isNotFound) return null;
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    try {
      await this.ari.request('DELETE', path(name));
    } catch (err) {
      if (!(err instanceof AriHttpError && err.isNotFound)) throw err;
    }
  }
}
