// Asterisk's own database (AstDB) over AMI: reads on any node, writes only while this node is
// active. Hotline keeps there what the dialplan must read per call without asking Hotline
// (blocked numbers, app/blocking).
import type { AmiClient } from './ami/client.js';
import { fieldsOf } from './ami/parser.js';
import { FencedError } from './ports.js';

export interface AstDb {
  /** AMI is connected (a pass while it is down would wait for the link; it runs again on link-up). */
  up(): boolean;
  /** The `database show <family>` lines (parse with the caller's rules). */
  show(family: string): Promise<string[]>;
  put(family: string, key: string, value: string): Promise<void>;
  /** Removes one key; a key already gone is fine. */
  del(family: string, key: string): Promise<void>;
}

const SAFE = /^[A-Za-z0-9_+-]{1,64}$/;

export class AmiAstDb implements AstDb {
  constructor(
    private readonly ami: AmiClient,
    private readonly mayAct: () => boolean,
  ) {}

  up(): boolean {
    return this.ami.state === 'connected';
  }

  async show(family: string): Promise<string[]> {
    if (!SAFE.test(family)) throw new Error(`not an AstDB family: ${family}`);
    return fieldsOf(await this.ami.action('Command', { Command: `database show ${family}` }), 'Output');
  }

  async put(family: string, key: string, value: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await this.ami.action('DBPut', { Family: family, Key: key, Val: value });
  }

  async del(family: string, key: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await this.ami.action('DBDel', { Family: family, Key: key }).catch((err: Error) => {
      if (!/not found/i.test(err.message)) throw err;
    });
  }
}
