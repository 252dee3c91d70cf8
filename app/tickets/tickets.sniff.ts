// What an attachment really is, by its first bytes. The declared Content-Type must agree
// with the content; types not listed here are refused.
export interface Sniffed {
  kind: string;
  /** The content types a client may declare for it. */
  types: readonly string[];
}

const KINDS: Array<{ kind: string; types: string[]; test: (b: Buffer) => boolean }> = [
  { kind: 'pdf', types: ['application/pdf'], test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { kind: 'png', types: ['image/png'], test: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) },
  { kind: 'jpeg', types: ['image/jpeg'], test: (b) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  { kind: 'gif', types: ['image/gif'], test: (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')) },
  { kind: 'wav', types: ['audio/wav', 'audio/x-wav', 'audio/wave'], test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WAVE' },
  { kind: 'mp3', types: ['audio/mpeg'], test: (b) => b.subarray(0, 3).toString('latin1') === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0) },
  {
    kind: 'zip',
    types: [
      'application/zip',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    test: (b) => b.subarray(0, 4).equals(Buffer.from('504b0304', 'hex')),
  },
  { kind: 'text', types: ['text/plain', 'text/csv'], test: isText },
];

/** UTF-8 text without NUL or other control bytes besides tab, CR and LF. */
function isText(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  for (const c of b) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  return true;
}

export function sniff(content: Buffer): Sniffed | null {
  for (const k of KINDS) if (content.length > 0 && k.test(content)) return { kind: k.kind, types: k.types };
  return null;
}

export const ALLOWED_TYPES = KINDS.flatMap((k) => k.types);
