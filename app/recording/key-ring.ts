// The AES-256 keys recordings are sealed with, from a key file: one key a line, `<id> <base64 of
// 32 bytes>`, `#` comments. The last line is the current key (new files); every listed key still
// opens the files sealed with it, so a rotation appends a line and removes none. A missing file
// is created with one fresh key (mode 0600). The file is re-read when it changes.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Key {
  id: string;
  key: Buffer;
}

const LINE = /^([A-Za-z0-9_-]{1,32})\s+([A-Za-z0-9+/=]{43,44})$/;

export class KeyFileError extends Error {}

/** The keys of a key file's text, in order. */
export function parseKeyFile(text: string, file = 'key file'): Key[] {
  const keys: Key[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = LINE.exec(line);
    const key = m ? Buffer.from(m[2]!, 'base64') : null;
    if (!m || key!.length !== 32) throw new KeyFileError(`${file} line ${i + 1}: expected "<id> <base64 of 32 bytes>"`);
    if (keys.some((k) => k.id === m[1])) throw new KeyFileError(`${file} line ${i + 1}: key id ${m[1]} appears twice`);
    keys.push({ id: m[1]!, key: key! });
  });
  if (!keys.length) throw new KeyFileError(`${file}: no key`);
  return keys;
}

export class KeyRing {
  private keys: Key[] = [];
  private mtimeMs = -1;

  constructor(private readonly file: string) {}

  private load(): Key[] {
    if (!existsSync(this.file)) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, `# Hotline recording keys: "<id> <base64 32 bytes>", the last line seals new files\nk1 ${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    }
    const m = statSync(this.file).mtimeMs;
    if (m !== this.mtimeMs) {
      this.keys = parseKeyFile(readFileSync(this.file, 'utf8'), this.file);
      this.mtimeMs = m;
    }
    return this.keys;
  }

  current(): Key {
    return this.load().at(-1)!;
  }

  /** The oldest key (kept as long as files sealed with it exist): derived keys that must outlive rotations. */
  first(): Key {
    return this.load()[0]!;
  }

  byId(id: string): Key {
    const k = this.load().find((x) => x.id === id);
    if (!k) throw new KeyFileError(`recording key ${id} is not in ${this.file}`);
    return k;
  }

  /** Appends a new key (k<n+1>), which seals new files from now on; returns its id. */
  rotate(): string {
    const keys = this.load();
    const n = Math.max(0, ...keys.map((k) => Number(/^k(\d+)$/.exec(k.id)?.[1] ?? 0))) + 1;
    const id = `k${n}`;
    appendFileSync(this.file, `${id} ${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    this.mtimeMs = -1;
    return id;
  }
}
