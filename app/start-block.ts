// The short block `npm start` prints once Hotline is up: where the console is, how the first
// admin signs in (never the password itself), and which Asterisk it is connected to — or the
// one command that starts the local one. Written to stderr so that stdout stays JSON log lines.
import { dirname, resolve } from 'node:path';
import type { Config } from './config.js';
import type { FirstAdmin } from './auth/bootstrap.js';
import type { PbxLinks } from './pbx/ports.js';

/** Where the generated first-admin password is written: next to the SQLite file (./data/). */
export function firstAdminPasswordFile(config: Config): string {
  const dataDir = config.db.type === 'sqlite' ? dirname(config.db.path) : './data';
  return resolve(dataDir, 'first-admin-password');
}

export function consoleUrl(config: Config): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const shown = host.includes(':') ? `[${host}]` : host;
  return `${config.http.tls ? 'https' : 'http'}://${shown}:${config.http.port}/`;
}

export interface StartFacts {
  version: string;
  admin: FirstAdmin;
  links: PbxLinks;
  role: string;
  /** The connected Asterisk's version, when known. */
  asteriskVersion?: string | null;
}

export function startBlock(config: Config, facts: StartFacts): string {
  const ami = `${config.ami.host}:${config.ami.port}`;
  const ariHost = new URL(config.ari.url).host;
  const admin =
    facts.admin.kind === 'generated'
      ? `user "admin"; its one-time password is in ${facts.admin.file} (readable by you only; you choose your own at the first sign-in)`
      : facts.admin.kind === 'setting'
        ? 'user "admin" with the password in HOTLINE_BOOTSTRAP_ADMIN_PASSWORD'
        : 'users exist already: sign in with yours';
  let pbx: string;
  if (!config.ownPbx) pbx = 'none of its own (HOTLINE_OWN_PBX=false)';
  else if (pbxConnected(facts.links, facts.role)) {
    pbx = `connected to ${facts.asteriskVersion ? `Asterisk ${facts.asteriskVersion}` : 'the Asterisk'} at ${ami} (AMI) and ${ariHost} (ARI)${defaultAddress(config) ? ' (the default address; HOTLINE_AMI_HOST/HOTLINE_AMI_PORT/HOTLINE_ARI_URL choose another)' : ''}`;
  } else {
    pbx = `not connected: no Asterisk answers at ${ami} (AMI) / ${ariHost} (ARI); start the local one with: npm run pbx:up`;
  }
  const db = config.db.type === 'sqlite' ? `SQLite ${resolve(config.db.path)}` : `${config.db.type} ${config.db.host}:${config.db.port}/${config.db.database}`;
  const lines = [
    `Hotline ${facts.version} is running`,
    `  Console:      ${consoleUrl(config)}`,
    `  Admin login:  ${admin}`,
    `  Phone system: ${pbx}`,
    `  Database:     ${db}`,
  ];
  if (config.attach) lines.push(`  Attached PBX: ${config.attach.name} at ${config.attach.host}:${config.attach.port} (read-only AMI)`);
  return `\n${lines.join('\n')}\n\n`;
}

/** AMI up, and ARI too on the active node (a standby opens ARI only when it takes over). */
export function pbxConnected(links: PbxLinks, role: string): boolean {
  return links.ami.up && (links.ari.up || role !== 'active');
}

/** Hotline was given no Asterisk address: it tried the local default one. */
function defaultAddress(config: Config): boolean {
  return config.ami.host === '127.0.0.1' && config.ami.port === 5038 && new URL(config.ari.url).host === '127.0.0.1:8088';
}

/** The links once `connected` holds for them, or when `deadlineMs` has passed (the Asterisk did not answer in time). */
export async function settledLinks(links: () => PbxLinks, connected: (l: PbxLinks) => boolean, deadlineMs: number): Promise<PbxLinks> {
  const end = Date.now() + deadlineMs;
  while (!connected(links()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return links();
}
