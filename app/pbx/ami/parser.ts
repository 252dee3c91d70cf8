// The AMI wire format: incremental framing of the TCP stream (AmiParser) and action encoding.
//
// The stream is: one banner line ("Asterisk Call Manager/x.y.z\r\n"), then messages made of
// `Key: Value\r\n` lines, each message ended by an empty line. Chunks from the socket may split
// anywhere (inside a line, inside a UTF-8 character, between "\r" and "\n"): bytes are kept until a
// whole line is there, and a line is only decoded once it is whole. A key repeated in one message
// (Variable, ChanVariable, Output...) keeps every value: the first is a string, the next turn it
// into a string[]. The legacy `Response: Follows` command output (free text up to
// "--END COMMAND--") is collected into `Output` lines.
//
// Bounded: one message (and the banner) may not exceed `maxMessageBytes`; beyond it push() throws
// an AmiProtocolError and the parser must be discarded (the caller resets the connection).
import { AmiError, type AmiFields, type AmiMessage } from './types.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const END_COMMAND = '--END COMMAND--';
const FOLLOWS_HEADERS = new Set(['response', 'privilege', 'actionid', 'message']);
const LF = 0x0a;
const CR = 0x0d;

export class AmiProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmiProtocolError';
  }
}

export type AmiFrame = { type: 'banner'; banner: string; version: string } | { type: 'message'; message: AmiMessage };

/** Adds `value` under `key`, turning the entry into an array when the key repeats. */
export function addField(msg: AmiMessage, key: string, value: string): void {
  const prev = msg[key];
  if (prev === undefined) msg[key] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else msg[key] = [prev, value];
}

/** First value of a field (exact key, else case-insensitive), or undefined. */
export function fieldOf(msg: AmiMessage, key: string): string | undefined {
  let v = msg[key];
  if (v === undefined) {
    const lower = key.toLowerCase();
    for (const k of Object.keys(msg)) {
      if (k.toLowerCase() === lower) {
        v = msg[k];
        break;
      }
    }
  }
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a field as an array (empty when absent). */
export function fieldsOf(msg: AmiMessage, key: string): string[] {
  const v = msg[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export class AmiParser {
  private readonly maxMessageBytes: number;
  private sawBanner: boolean;
  private partial: Buffer[] = []; // bytes of the current, not yet ended line
  private partialLen = 0;
  private current: AmiMessage | null = null;
  private currentBytes = 0; // bytes of the current message so far (whole lines)
  private commandOutput = false; // inside the free text of a `Response: Follows`
  private broken = false;

  constructor(opts: { maxMessageBytes?: number; expectBanner?: boolean } = {}) {
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.sawBanner = opts.expectBanner === false;
  }

  /** Feeds one chunk; returns the frames it completed, in stream order. */
  push(chunk: Buffer | string): AmiFrame[] {
    if (this.broken) throw new AmiProtocolError('AMI parser used after a protocol error');
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: AmiFrame[] = [];
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(LF, start);
      if (nl === -1) {
        this.partial.push(buf.subarray(start));
        this.partialLen += buf.length - start;
        this.checkSize(0);
        break;
      }
      let line: Buffer;
      if (this.partialLen > 0) {
        this.partial.push(buf.subarray(start, nl));
        line = Buffer.concat(this.partial, this.partialLen + nl - start);
        this.partial = [];
        this.partialLen = 0;
      } else {
        line = buf.subarray(start, nl);
      }
      start = nl + 1;
      this.checkSize(line.length + 1);
      const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
      this.line(line.toString('utf8', 0, end), line.length + 1, out);
    }
    return out;
  }

  private checkSize(lineBytes: number): void {
    if (this.currentBytes + this.partialLen + lineBytes > this.maxMessageBytes) {
      this.broken = true;
      throw new AmiProtocolError(`AMI message exceeds ${this.maxMessageBytes} bytes`);
    }
  }

  private line(text: string, bytes: number, out: AmiFrame[]): void {
    if (!this.sawBanner) {
      if (text === '') return;
      this.sawBanner = true;
      const m = /\/(\S+)\s*$/.exec(text);
      if (!/^Asterisk Call Manager\//i.test(text)) {
        this.broken = true;
        throw new AmiProtocolError(`not an AMI banner: ${JSON.stringify(text.slice(0, 80))}`);
      }
      out.push({ type: 'banner', banner: text, version: m ? m[1] : '' });
      return;
    }
    if (this.commandOutput) {
      this.currentBytes += bytes;
      const cur = this.current as AmiMessage;
      const endAt = text.indexOf(END_COMMAND);
      if (endAt === -1) {
        addField(cur, 'Output', text);
        return;
      }
      if (endAt > 0) addField(cur, 'Output', text.slice(0, endAt));
      this.commandOutput = false;
      return; // the empty line that follows ends the message
    }
    if (text === '') {
      if (this.current) out.push({ type: 'message', message: this.current });
      this.current = null;
      this.currentBytes = 0;
      return;
    }
    this.currentBytes += bytes;
    const cur = (this.current ??= Object.create(null) as AmiMessage);
    const colon = text.indexOf(':');
    const key = colon > 0 ? text.slice(0, colon).trim() : '';
    if (cur.Response === 'Follows' && !FOLLOWS_HEADERS.has(key.toLowerCase())) {
      // Legacy command output: free text from here to "--END COMMAND--".
      const endAt = text.indexOf(END_COMMAND);
      const piece = endAt === -1 ? text : text.slice(0, endAt);
      if (piece !== '') addField(cur, 'Output', piece);
      this.commandOutput = endAt === -1;
      return;
    }
    if (key !== '') {
      addField(cur, key, text.slice(colon + 1).replace(/^ /, ''));
      return;
    }
    addField(cur, 'Output', text); // tolerated: keep unknown text rather than drop it
  }
}

const KEY_RE = /^[A-Za-z0-9_.()-]+$/;
const hasNewline = (s: string): boolean => /[\r\n]/.test(s);

/** Encodes one action; array values become repeated lines. Throws AmiError('invalid_action'). */
export function encodeAction(name: string, id: string, fields: AmiFields): string {
  if (!KEY_RE.test(name)) throw new AmiError('invalid_action', `invalid AMI action name ${JSON.stringify(name)}`, name);
  let wire = `Action: ${name}\r\nActionID: ${id}\r\n`;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (!KEY_RE.test(key) || lower === 'action' || lower === 'actionid') {
      throw new AmiError('invalid_action', `AMI ${name}: field name ${JSON.stringify(key)} not allowed`, name);
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      const text = String(v);
      // No value may carry CR/LF: it would inject lines (or a whole action) into the stream.
      if (hasNewline(text)) throw new AmiError('invalid_action', `AMI ${name}: value of field ${key} contains CR or LF`, name);
      wire += `${key}: ${text}\r\n`;
    }
  }
  return wire + '\r\n';
}
