// A config file Hotline owns in Asterisk's etc (queues_hotline.conf, extensions_hotline.conf, ...),
// replaced whole over AMI (CreateConfig, UpdateConfig), so Asterisk may run on another host. The
// caller reloads the module that reads it.
import type { ConfigSection } from '../ports.js';
import type { AmiClient } from './client.js';
import { fieldOf } from './parser.js';
import { AmiError } from './types.js';

export async function writeConfigFile(ami: AmiClient, file: string, sections: ConfigSection[]): Promise<void> {
  if (!/^[a-z0-9_]+\.conf$/.test(file)) throw new Error(`refusing to write config file ${file}`);
  // The file may not exist yet (a fresh Asterisk): create it; "File exists" is fine.
  await ami.action('CreateConfig', { Filename: file }).catch((err: unknown) => {
    if (!(err instanceof AmiError && /file exists/i.test(String(fieldOf(err.response ?? {}, 'Message') ?? err.message)))) throw err;
  });
  const existing = await ami.action('ListCategories', { Filename: file });
  const old = Object.keys(existing).filter((k) => k.startsWith('Category-')).map((k) => fieldOf(existing, k) ?? '');
  // Asterisk takes at most 128 header lines per message: send the edits in batches (the file
  // is saved after each; the caller's reload makes the whole new file effective at once).
  const ops: Array<[string, string, string?, string?]> = [];
  for (const cat of old) ops.push(['DelCat', cat]);
  for (const s of sections) {
    ops.push(['NewCat', s.name]);
    for (const [k, v] of s.lines) ops.push(['Append', s.name, k, v]);
  }
  for (let start = 0; start < ops.length; start += 28) {
    const fields: Record<string, string> = { SrcFilename: file, DstFilename: file };
    ops.slice(start, start + 28).forEach(([action, cat, v, value], i) => {
      const n = String(i).padStart(6, '0');
      fields[`Action-${n}`] = action;
      fields[`Cat-${n}`] = cat;
      if (v !== undefined) fields[`Var-${n}`] = v;
      if (value !== undefined) fields[`Value-${n}`] = value;
    });
    await ami.action('UpdateConfig', fields);
  }
}
