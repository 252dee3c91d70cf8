import { expect } from 'chai';
import { requireSupported, sniff } from '../../app/prompts/audio.js';
import { NotAudioError, UnsupportedFormatError } from '../../app/prompts/prompts.errors.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** The first page of an Ogg stream whose first packet starts with `codec`. */
const ogg = (codec: string | number[]) => bytes('OggS', new Array(22).fill(0), [1, 30], codec, new Array(30).fill(0));

describe('prompt audio: format sniffing by magic bytes', () => {
  const audio: Array<[string, Buffer, string]> = [
    ['a RIFF/WAVE file', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ', new Array(28).fill(0)), 'wav'],
    ['an MP3 with an ID3v2 tag', bytes('ID3', [4, 0, 0, 0, 0, 0, 0], new Array(20).fill(0)), 'mp3'],
    ['an MP3 starting with a frame (MPEG-1 layer III, 128 kb/s, 44.1 kHz)', bytes([0xff, 0xfb, 0x90, 0x64], new Array(20).fill(0)), 'mp3'],
    ['an MPEG-2 layer III frame (fff3)', bytes([0xff, 0xf3, 0x64, 0xc4], new Array(20).fill(0)), 'mp3'],
    ['an Ogg Vorbis stream', ogg([1, ...Buffer.from('vorbis')]), 'ogg'],
    ['a FLAC stream', bytes('fLaC', [0, 0, 0, 0x22], new Array(34).fill(0)), 'flac'],
  ];
  for (const [what, buf, format] of audio) {
    it(`recognises ${what} as ${format}`, () => {
      expect(sniff(buf)).to.deep.equal({ kind: 'audio', format });
      expect(requireSupported(buf)).to.equal(format);
    });
  }

  const unsupported: Array<[string, Buffer, string]> = [
    ['Ogg Opus', ogg('OpusHead'), 'Ogg Opus'],
    ['Ogg Speex', ogg('Speex   '), 'Ogg Speex'],
    ['AAC in ADTS', bytes([0xff, 0xf1, 0x50, 0x80], new Array(20).fill(0)), 'AAC'],
    ['M4A', bytes([0, 0, 0, 0x20], 'ftypM4A ', new Array(20).fill(0)), 'MP4/M4A'],
    ['AIFF', bytes('FORM', [0, 0, 0, 0], 'AIFF', new Array(20).fill(0)), 'AIFF'],
    ['AMR', bytes('#!AMR\n', new Array(10).fill(0)), 'AMR'],
    ['WMA', bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11], new Array(20).fill(0)), 'WMA/ASF'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3], new Array(20).fill(0)), 'WebM/Matroska'],
  ];
  for (const [what, buf, format] of unsupported) {
    it(`calls ${what} audio it does not convert (unsupported_format)`, () => {
      expect(sniff(buf)).to.deep.equal({ kind: 'unsupported', format });
      expect(() => requireSupported(buf)).to.throw(UnsupportedFormatError).with.property('status', 400);
    });
  }

  const notAudio: Array<[string, Buffer]> = [
    ['an empty body', Buffer.alloc(0)],
    ['three bytes', bytes('RIF')],
    ['a text file', bytes('Hello, this is not a recording.\n')],
    ['UTF-8 text with a BOM', bytes([0xef, 0xbb, 0xbf], 'hello')],
    ['a zip renamed .wav', bytes('PK', [3, 4, 20, 0, 0, 0, 8, 0], new Array(30).fill(0))],
    ['a RIFF that is not WAVE (AVI)', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST', new Array(20).fill(0))],
    ['a PNG', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], new Array(20).fill(0))],
    ['a PDF', bytes('%PDF-1.7\n')],
    ['0xff bytes that are no MPEG frame (reserved version)', bytes([0xff, 0xeb, 0x90, 0x64])],
    ['an MPEG-like header with a bad bitrate', bytes([0xff, 0xfb, 0xf0, 0x64])],
  ];
  for (const [what, buf] of notAudio) {
    it(`rejects ${what} as not audio`, () => {
      expect(sniff(buf)).to.deep.equal({ kind: 'not_audio' });
      expect(() => requireSupported(buf)).to.throw(NotAudioError).that.satisfies((e: NotAudioError) => e.code === 'not_audio' && e.status === 400);
    });
  }
});
