// exceljs for this module: a private instance whose XML parser decodes UTF-8 across chunk
// boundaries. exceljs 4.4's streaming reader decodes every inflated chunk on its own
// (lib/utils/parse-sax.js), so a Chinese character split between two chunks comes out as
// "��" (exceljs issues #2063 / #2084, fixes never merged). Here lib/utils/parse-sax.js is
// replaced by the same parser with a StringDecoder, in a copy of exceljs loaded for this
// module alone (any other user of exceljs keeps its own instance). Its errors are
// XmlSyntaxError, so a reader can tell a damaged part of the file from its own failure.
//
// lib/utils/iterate-stream.js is replaced too. exceljs walks the zip's entries with it and
// stops at the first 'end' event, but unzipper's Parse emits 'end' by hand as soon as its
// writable side finishes (the parser has reached the end of the archive), while entries it
// has already pushed still wait in its readable buffer. When the reader is slow on one entry
// (spooling a worksheet to a temp file on a busy box), the parser runs ahead through the
// small entries behind it and the walk ends without them: no workbook.xml, no shared
// strings, and a TypeError ("reading 'sheets'") in exceljs. Node's own async iteration reads
// the buffer out before it ends; like exceljs's, it leaves the stream alone when the reader
// stops early (unzipper waits for an entry to be drained, not destroyed).
import { createRequire, Module } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

type ExcelJSModule = typeof import('exceljs');
/** The XML of a part of the workbook is not well-formed (saxes' message: "line:column: what"). */
export class XmlSyntaxError extends Error {}

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

const require = createRequire(import.meta.url);

function parseSaxFactory(SaxesParser: new () => { on(e: string, f: (v: unknown) => void): void; write(s: string): void }) {
  return async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
    const parser = new SaxesParser();
    const decoder = new StringDecoder('utf8');
    let error: unknown = null;
    let events: SaxEvent[] = [];
    parser.on('error', (err) => (error = new XmlSyntaxError((err as Error).message)));
    parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
    parser.on('text', (value) => events.push({ eventType: 'text', value }));
    parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
    const feed = function* (text: string) {
      parser.write(text);
      if (error) throw error;
      yield events;
      events = [];
    };
    for await (const chunk of iterable) yield* feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const rest = decoder.end();
    if (rest) yield* feed(rest);
  };
}

/** Every chunk or object the stream gives, including those still buffered at a premature 'end'. */
async function* iterateStream(stream: Readable): AsyncGenerator<unknown> {
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk;
}

/** Puts a module with the given exports into the require cache under exceljs's own file name. */
function inject(cache: NodeJS.Dict<NodeJS.Module>, file: string, exports: unknown): void {
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = exports;
  cache[file] = mod;
}

function loadExcelJS(): ExcelJSModule {
  const main = require.resolve('exceljs');
  const root = dirname(main) + sep;
  const cache = require.cache;
  // The shared instance is loaded first and put back afterwards, so that everyone else (a
  // later `import 'exceljs'` included) keeps getting it; only this module holds the copy.
  require(main);
  const saved = new Map<string, NodeJS.Module>();
  for (const key of Object.keys(cache)) {
    if (key.startsWith(root)) {
      saved.set(key, cache[key]!);
      delete cache[key];
    }
  }
  const utils = join(root, 'lib', 'utils');
  const sax = join(utils, 'parse-sax.js');
  const { SaxesParser } = createRequire(sax)('saxes') as { SaxesParser: Parameters<typeof parseSaxFactory>[0] };
  inject(cache, sax, parseSaxFactory(SaxesParser));
  inject(cache, join(utils, 'iterate-stream.js'), iterateStream);
  try {
    return require(main) as ExcelJSModule;
  } finally {
    for (const key of Object.keys(cache)) if (key.startsWith(root)) delete cache[key];
    for (const [key, mod] of saved) cache[key] = mod;
  }
}

export const ExcelJS = loadExcelJS();
export { iterateStream, parseSaxFactory };
