// A real OpenLDAP server for the LDAP integration tests: its own slapd on a free port with
// its own cn=config directory and mdb database under a temp dir, built with slapadd from
// LDIF generated here. Needs the Debian packages slapd and ldap-utils; when slapd is missing
// start() throws (the test's before hook fails, it never skips).
//
// Directory (suffix dc=hotline,dc=test):
//   cn=hotline-svc,ou=services   the service account Hotline binds with (read access)
//   uid=alice|bob|carol|dave,ou=people   inetOrgPerson users with passwords
//   cn=agents|supervisors|admins,ou=groups   groupOfNames; alice ∈ agents, bob ∈ supervisors,
//                                            carol ∈ admins, dave in none
// The memberof overlay is loaded too: groups are added over LDAP after start (slapadd runs
// no overlays), so users also carry memberOf and both group modes can be tested.
import { freePort } from './ports.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';

export const SUFFIX = 'dc=hotline,dc=test';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const GROUPS = `ou=groups,${SUFFIX}`;
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const SERVICE_DN = `cn=hotline-svc,ou=services,${SUFFIX}`;

export interface TestUser {
  uid: string;
  password: string;
  cn: string;
  displayName: string;
  mail: string;
  group?: 'agents' | 'supervisors' | 'admins';
}

export const USERS: TestUser[] = [
  { uid: 'alice', password: 'Alice-pass-1234', cn: 'Alice Agent', displayName: 'Alice A.', mail: 'alice@hotline.test', group: 'agents' },
  { uid: 'bob', password: 'Bob-pass-123456', cn: 'Bob Boss', displayName: 'Bob B.', mail: 'bob@hotline.test', group: 'supervisors' },
  { uid: 'carol', password: 'Carol-pass-1234', cn: 'Carol Chief', displayName: 'Carol C.', mail: 'carol@hotline.test', group: 'admins' },
  { uid: 'dave', password: 'Dave-pass-12345', cn: 'Dave Nobody', displayName: 'Dave D.', mail: 'dave@hotline.test' },
];

export const groupDn = (name: string) => `cn=${name},${GROUPS}`;
export const userDn = (uid: string) => `uid=${uid},${PEOPLE}`;

export interface Slapd {
  url: string;
  port: number;
  rootPassword: string;
  servicePassword: string;
  /** A client bound as the rootdn, for changing the directory during a test. */
  admin(): Promise<Client>;
  stop(): Promise<void>;
}

/** {SSHA}: base64(sha1(password + salt) + salt), what slappasswd writes. */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function findSlapd(): string {
  for (const p of ['/usr/sbin/slapd', '/usr/local/sbin/slapd', '/usr/local/libexec/slapd']) if (existsSync(p)) return p;
  throw new Error('slapd is not installed: apt-get install -y slapd ldap-utils');
}

function configLdif(dir: string, rootPassword: string): string {
  const modulePath = ['/usr/lib/ldap', '/usr/lib/x86_64-linux-gnu/ldap', '/usr/lib/aarch64-linux-gnu/ldap'].find((p) => existsSync(p)) ?? '/usr/lib/ldap';
  const schema = (name: string) => readFileSync(`/etc/ldap/schema/${name}.ldif`, 'utf8');
  return [
    `dn: cn=config\nobjectClass: olcGlobal\ncn: config\nolcPidFile: ${join(dir, 'slapd.pid')}\n`,
    `dn: cn=module{0},cn=config\nobjectClass: olcModuleList\ncn: module{0}\nolcModulePath: ${modulePath}\nolcModuleLoad: back_mdb\nolcModuleLoad: memberof\n`,
    'dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n',
    schema('core'),
    schema('cosine'),
    schema('inetorgperson'),
    'dn: olcDatabase={-1}frontend,cn=config\nobjectClass: olcDatabaseConfig\nobjectClass: olcFrontendConfig\nolcDatabase: {-1}frontend\nolcSizeLimit: 50\n',
    'dn: olcDatabase={0}config,cn=config\nobjectClass: olcDatabaseConfig\nolcDatabase: {0}config\nolcAccess: {0}to * by * none\n',
    [
      'dn: olcDatabase={1}mdb,cn=config',
      'objectClass: olcDatabaseConfig',
      'objectClass: olcMdbConfig',
      'olcDatabase: {1}mdb',
      `olcSuffix: ${SUFFIX}`,
      `olcRootDN: ${ROOT_DN}`,
      `olcRootPW: ${ssha(rootPassword)}`,
      `olcDbDirectory: ${join(dir, 'data')}`,
      'olcDbIndex: objectClass eq',
      'olcDbIndex: uid,member eq',
      'olcAccess: {0}to attrs=userPassword by anonymous auth by * none',
      `olcAccess: {1}to * by dn.exact="${SERVICE_DN}" read by self read by * none`,
      '',
    ].join('\n'),
    'dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config\nobjectClass: olcOverlayConfig\nobjectClass: olcMemberOf\nolcOverlay: {0}memberof\nolcMemberOfRefInt: TRUE\n',
  ].join('\n');
}

function dataLdif(servicePassword: string): string {
  const entries = [
    `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: hotline\no: Hotline Test\n`,
    `dn: ou=services,${SUFFIX}\nobjectClass: organizationalUnit\nou: services\n`,
    `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n`,
    `dn: ${GROUPS}\nobjectClass: organizationalUnit\nou: groups\n`,
    `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: hotline-svc\nuserPassword: ${ssha(servicePassword)}\n`,
  ];
  for (const u of USERS) {
    const sn = u.cn.split(' ').pop();
    entries.push(
      `dn: ${userDn(u.uid)}\nobjectClass: inetOrgPerson\nuid: ${u.uid}\ncn: ${u.cn}\nsn: ${sn}\ndisplayName: ${u.displayName}\nmail: ${u.mail}\nuserPassword: ${ssha(u.password)}\n`,
    );
  }
  return entries.join('\n');
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

async function waitUntil<T>(what: string, deadlineMs: number, attempt: () => Promise<T>, alive: () => string | null): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what}: no answer within ${deadlineMs} ms (${(last as Error)?.message})`);
}

export async function startSlapd(): Promise<Slapd> {
  const slapd = findSlapd();
  const slapadd = existsSync('/usr/sbin/slapadd') ? '/usr/sbin/slapadd' : 'slapadd';
  const dir = mkdtempSync(join(tmpdir(), 'hotline-slapd-'));
  const configDir = join(dir, 'slapd.d');
  mkdirSync(configDir);
  mkdirSync(join(dir, 'data'));
  const rootPassword = randomBytes(12).toString('base64url');
  const servicePassword = randomBytes(12).toString('base64url');
  writeFileSync(join(dir, 'config.ldif'), configLdif(dir, rootPassword));
  writeFileSync(join(dir, 'data.ldif'), dataLdif(servicePassword));
  try {
    run(slapadd, ['-n', '0', '-F', configDir, '-l', join(dir, 'config.ldif')]);
    run(slapadd, ['-b', SUFFIX, '-F', configDir, '-l', join(dir, 'data.ldif')]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d 0: stay in the foreground (so the test owns the process) without debug output.
  const child: ChildProcess = spawn(slapd, ['-h', `${url}/`, '-F', configDir, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: string | null = null;
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.once('exit', (code, signal) => (exited = `slapd exited (${code ?? signal}): ${stderr.trim()}`));
  child.once('error', (err) => (exited = `slapd failed to start: ${err.message}`));

  const admin = async () => {
    const c = new Client({ url, timeout: 5000, connectTimeout: 2000 });
    await c.bind(ROOT_DN, rootPassword);
    return c;
  };
  const stop = async () => {
    if (exited === null && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const c = await waitUntil('slapd', 15_000, admin, () => exited);
    // Groups over LDAP, so the memberof overlay fills in memberOf on the users.
    for (const g of ['agents', 'supervisors', 'admins'] as const) {
      const members = USERS.filter((u) => u.group === g).map((u) => userDn(u.uid));
      await c.add(groupDn(g), { objectClass: ['groupOfNames'], cn: g, member: members });
    }
    await c.unbind();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, rootPassword, servicePassword, admin, stop };
}

export { freePort };
