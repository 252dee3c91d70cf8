// The only reader of process.env. Every setting is validated with zod; a bad value
// stops the start with one line naming the variable (never echoing a secret).
import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const schema = z.object({
  HOTLINE_NODE_NAME: z.string().min(1).max(64).default('hotline-1'),
  HOTLINE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HOTLINE_HTTP_PORT: port.default(8080),
  /** HTTPS: PEM files for the certificate and its key (both or neither). */
  HOTLINE_TLS_CERT_FILE: z.string().min(1).optional(),
  HOTLINE_TLS_KEY_FILE: z.string().min(1).optional(),
  /** Origins allowed to call the API from a browser (comma list); none by default. */
  HOTLINE_CORS_ORIGINS: z.string().regex(/^(https?:\/\/[^,\s]+)(,https?:\/\/[^,\s]+)*$/, 'a comma list of http(s) origins').optional(),
  HOTLINE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  HOTLINE_DB_TYPE: z.enum(['sqlite', 'mariadb', 'mysql']).default('sqlite'),
  HOTLINE_DB_PATH: z.string().min(1).default('./data/hotline.sqlite'),
  HOTLINE_DB_HOST: z.string().min(1).default('127.0.0.1'),
  HOTLINE_DB_PORT: port.default(3306),
  HOTLINE_DB_USER: z.string().min(1).default('hotline'),
  HOTLINE_DB_PASSWORD: z.string().default(''),
  HOTLINE_DB_NAME: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only').default('hotline'),

  HOTLINE_ARI_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8088'),
  HOTLINE_ARI_USER: z.string().min(1).default('hotline'),
  HOTLINE_ARI_PASSWORD: z.string().min(1).default('hotline-dev-ari'),
  HOTLINE_ARI_APP: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('hotline'),
  HOTLINE_AMI_HOST: z.string().min(1).default('127.0.0.1'),
  HOTLINE_AMI_PORT: port.default(5038),
  HOTLINE_AMI_USER: z.string().min(1).default('hotline'),
  HOTLINE_AMI_PASSWORD: z.string().min(1).default('hotline-dev-ami'),
  /** false: Hotline has no Asterisk of its own (no ARI, no AMI commands); e.g. only attached to an existing PBX. */
  HOTLINE_OWN_PBX: bool.default(true),
  /** Attach read-only to the AMI of an existing PBX Hotline does not own: tcp://host:port. */
  HOTLINE_ATTACH_AMI_URL: z.string().refine((v) => attachUrlProblem(v) === null, { error: (i) => attachUrlProblem(String(i.input)) ?? 'invalid' }).optional(),
  HOTLINE_ATTACH_AMI_USER: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ - only (at most 64)').optional(),
  HOTLINE_ATTACH_AMI_PASSWORD: z.string().min(1).optional(),
  /** The attached PBX's name: the `source` of its call records, queue calls and agents. */
  HOTLINE_ATTACH_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, _ and - (at most 32)')
    .refine((v) => v !== 'hotline', "'hotline' names Hotline's own Asterisk")
    .default('existing'),

  HOTLINE_PROMPTS_DIR: z.string().min(1).default('./data/prompts'),
  HOTLINE_PROMPTS_SOUND_PREFIX: z.string().regex(/^[A-Za-z0-9_/-]{1,64}$/, 'a sound path such as hotline').default('hotline'),
  HOTLINE_KB_MAX_ATTACHMENT_BYTES: z.coerce.number().int().min(1024).max(15 * 1024 * 1024).default(5 * 1024 * 1024),
  HOTLINE_PROMPT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  HOTLINE_PROMPT_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  HOTLINE_TICKET_ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Recordings: where Hotline keeps them (compressed, encrypted), where it finds MixMonitor's files, the key file. */
  HOTLINE_RECORDINGS_DIR: z.string().min(1).default('./data/recordings'),
  HOTLINE_RECORDINGS_SPOOL_DIR: z.string().min(1).default('/var/spool/asterisk/monitor/hotline'),
  HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR: z.string().regex(/^\/[A-Za-z0-9_./-]+$/, 'an absolute path of letters, digits, _ . / -').optional(),
  HOTLINE_RECORDINGS_KEY_FILE: z.string().min(1).default('./data/recordings.keys'),
  HOTLINE_RECORDINGS_PURGE_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM').default('02:30'),
  HOTLINE_SCHEDULER_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Outgoing webhooks: the waits between attempts in ms (one value for every retry, or 7 comma-separated); default 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h. For tests and drills. */
  HOTLINE_WEBHOOK_RETRY_MS: z
    .string()
    .regex(/^\d{1,9}(,\d{1,9}){6}$|^\d{1,9}$/, 'one wait in ms, or 7 comma-separated waits in ms')
    .refine((v) => v.split(',').every((x) => Number(x) >= 100), 'each wait must be at least 100 ms')
    .optional(),
  /** Scheduled report e-mail: the SMTP server (none: schedules can be saved, runs fail with "no SMTP server configured"). */
  HOTLINE_SMTP_HOST: z.string().regex(/^[A-Za-z0-9.:_-]{1,253}$/, 'a host name or IP address').optional(),
  HOTLINE_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  HOTLINE_SMTP_SECURE: bool.default(false),
  HOTLINE_SMTP_USER: z.string().min(1).max(256).optional(),
  HOTLINE_SMTP_PASSWORD: z.string().min(1).optional(),
  HOTLINE_SMTP_FROM: z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an e-mail address such as reports@example.com').default('hotline-reports@localhost'),
  /** Tries of one scheduled report e-mail before it is marked failed, and the wait after the first failure (doubling, at most 30 min). */
  HOTLINE_REPORT_MAIL_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  HOTLINE_REPORT_MAIL_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  HOTLINE_MAX_CALL_SECONDS: z.coerce.number().int().min(10).max(86400).default(3600),
  HOTLINE_MAX_CALLS_IN_APP: z.coerce.number().int().min(1).max(100000).default(500),
  HOTLINE_MAX_CALLS_PER_SECOND: z.coerce.number().int().min(1).max(100000).default(200),
  HOTLINE_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600000).default(15000),
  HOTLINE_COMPILE_FLOWS: bool.default(true),
  /** The SIP front's JSON-RPC (scripts/sip-front.cfg): the admission rate is set there too, so calls past it are refused before Asterisk makes a channel. */
  HOTLINE_SIP_FRONT_URL: z.url({ protocol: /^https?$/ }).optional(),
  HOTLINE_ORPHAN_SWEEP_MS: z.coerce.number().int().min(1000).max(3600000).default(60000),
  HOTLINE_ORPHAN_GRACE_MS: z.coerce.number().int().min(1000).max(3600000).default(30000),
  HOTLINE_METRICS_ENABLED: bool.default(true),
  /** Who may read /metrics without the token: IPs and CIDRs (comma list), or `none`. */
  HOTLINE_METRICS_ALLOW: z
    .string()
    .refine((v) => v === 'none' || v.split(',').every((a) => addressRangeProblem(a.trim()) === null), {
      error: (i) => (String(i.input).split(',').map((a) => addressRangeProblem(a.trim())).find((p) => p) ?? 'invalid'),
    })
    .default('127.0.0.1,::1'),
  /** A bearer token that reads /metrics from any address (a secret). */
  HOTLINE_METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,256}$/, '16-256 printable characters, no spaces').optional(),
  /** Customer import: short numbers that are internal (extensions): ranges and single numbers, "8000-8999,95588". */
  HOTLINE_IMPORT_INTERNAL_NUMBERS: z.string().refine((v) => numberRangesProblem(v) === null, { error: (i) => numberRangesProblem(String(i.input)) ?? 'invalid' }).default(''),

  /** Hot standby: nodes sharing one MariaDB elect one active node (needs HOTLINE_DB_TYPE mariadb or mysql). */
  HOTLINE_HA_ENABLED: bool.default(false),
  HOTLINE_HA_LOCK_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/).default('hotline-leader'),
  HOTLINE_HA_CHECK_MS: z.coerce.number().int().min(100).max(5000).default(500),
  /** ACD: dialplan context of the calls agents' devices place; media address of their endpoints. */
  HOTLINE_ACD_DEVICE_CONTEXT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('hotline-agents'),
  /** The SIP-over-WebSocket address browsers register their WebRTC phones at (default: the ARI URL's host:port + /ws). */
  HOTLINE_WEBRTC_WS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  HOTLINE_ACD_MEDIA_ADDRESS: z.string().regex(/^[A-Za-z0-9.:-]{1,64}$/).optional(),
  /** How often agent states are compared with Asterisk's QueueStatus (ms). */
  HOTLINE_ACD_RECONCILE_MS: z.coerce.number().int().min(1000).max(600000).default(30000),
  HOTLINE_AGENT_RTP_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** How Hotline reaches a customer (callbacks, click-to-dial): an Asterisk dial string with {number}. */
  HOTLINE_OUTBOUND_DIAL: z
    .string()
    .regex(/^[A-Za-z0-9_/@.:{}+-]{1,200}$/, 'an Asterisk dial string such as PJSIP/{number}@trunk')
    .refine((v) => v.includes('{number}'), 'must contain {number}')
    .default('PJSIP/{number}@hotline-trunk'),
  /** Fax: where Asterisk reads and writes fax images (as Asterisk sees the directory) ... */
  HOTLINE_FAX_PBX_DIR: z.string().regex(/^\/[A-Za-z0-9_./-]{0,200}$/, 'an absolute path').default('/var/spool/asterisk/fax'),
  /** ... and the same directory as Hotline sees it (differs when Asterisk runs in a chroot or container). */
  HOTLINE_FAX_LOCAL_DIR: z.string().min(1).default('/var/spool/asterisk/fax'),
  /** The largest fax, in pages (sent or filed). */
  HOTLINE_FAX_MAX_PAGES: z.coerce.number().int().min(1).max(500).default(50),
  /** The largest document upload to fax. */
  HOTLINE_FAX_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(20 * 1024 * 1024),
  /** How faxes are dialed: an Asterisk dial string with {number} (default: HOTLINE_OUTBOUND_DIAL). */
  HOTLINE_FAX_DIAL: z
    .string()
    .regex(/^[A-Za-z0-9_/@.:{}+-]{1,200}$/, 'an Asterisk dial string such as PJSIP/{number}@trunk')
    .refine((v) => v.includes('{number}'), 'must contain {number}')
    .optional(),
  HOTLINE_FAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  HOTLINE_FAX_RETRY_SECONDS: z.coerce.number().int().min(1).max(86400).default(120),
  HOTLINE_FAX_RING_SECONDS: z.coerce.number().int().min(5).max(300).default(45),
  /** Dial rules for faxes: numbers must start with one of these prefixes (empty: any) and with none of the denied ones. */
  HOTLINE_FAX_ALLOWED_PREFIXES: z.string().regex(/^(\+?[0-9]{1,16}(,\+?[0-9]{1,16})*)?$/, 'a comma list of digit prefixes').default(''),
  HOTLINE_FAX_DENIED_PREFIXES: z.string().regex(/^(\+?[0-9]{1,16}(,\+?[0-9]{1,16})*)?$/, 'a comma list of digit prefixes').default(''),
  /** Inbound numbers where Hotline listens for fax tones before the IVR, and the inbox their faxes go to. */
  HOTLINE_FAX_DETECT_NUMBERS: z.string().regex(/^([0-9]{1,32}(,[0-9]{1,32})*)?$/, 'a comma list of numbers').default(''),
  HOTLINE_FAX_DETECT_INBOX: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/, 'a queue name').default(''),
  /** The number faxes are sent from (caller ID). */
  HOTLINE_FAX_CALLER_ID: z.string().regex(/^\+?[0-9]{0,32}$/, 'digits').default(''),
  /** Voicemail: done (and empty) messages are deleted, with their recording, after this many days (0: kept). */
  HOTLINE_VOICEMAIL_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
  /** Voicemail: a message still recording this long past its node's maxSeconds is settled whatever its call says. */
  HOTLINE_VOICEMAIL_SETTLE_MARGIN_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
  /** Blocked numbers: how often the active node compares Asterisk's copy (AstDB) with the rows. */
  HOTLINE_BLOCKLIST_SYNC_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  HOTLINE_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(480),
  HOTLINE_AUTH_REQUIRE_TOTP_FOR: z
    .string()
    .regex(/^((admin|supervisor|agent|readonly)(,(admin|supervisor|agent|readonly))*)?$/, 'a comma list of roles: admin, supervisor, agent, readonly')
    .default(''),
  HOTLINE_AUTH_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  HOTLINE_AUTH_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  /** Creates the user `admin` with this password when there are no users yet. */
  HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  HOTLINE_LDAP_URL: z.url({ protocol: /^ldaps?$/ }).optional(),
  HOTLINE_LDAP_STARTTLS: bool.default(false),
  HOTLINE_LDAP_BIND_DN: z.string().min(1).optional(),
  HOTLINE_LDAP_BIND_PASSWORD: z.string().optional(),
  HOTLINE_LDAP_BASE_DN: z.string().min(1).optional(),
  HOTLINE_LDAP_USER_FILTER: z.string().includes('{{username}}').optional(),
  HOTLINE_LDAP_GROUP_BASE_DN: z.string().min(1).optional(),
  /** role:groupDN pairs separated by | (DNs contain , and =): admin:cn=admins,ou=groups,dc=x|agent:cn=... */
  HOTLINE_LDAP_ROLE_MAP: z.string().min(1).optional(), // parsed and checked by parseRoleMap()
  HOTLINE_LDAP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
});

export type RawConfig = z.infer<typeof schema>;

/** Every setting Hotline reads (docs/configuration.md documents each one; test/unit/docs.test.ts checks it). */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  nodeName: string;
  http: { host: string; port: number; tls?: { certFile: string; keyFile: string }; corsOrigins: string[] };
  logLevel: RawConfig['HOTLINE_LOG_LEVEL'];
  db:
    | { type: 'sqlite'; path: string }
    | { type: 'mariadb' | 'mysql'; host: string; port: number; user: string; password: string; database: string };
  ari: { url: string; user: string; password: string; app: string };
  ami: { host: string; port: number; user: string; password: string };
  /** Whether Hotline drives an Asterisk of its own (ARI + AMI above). */
  ownPbx: boolean;
  /** A PBX Hotline does not own, watched read-only over AMI. */
  attach?: { name: string; host: string; port: number; user: string; password: string };
  /** maxInApp: calls at once inside the Stasis app, maxPerSecond: calls let into it per second; the dialplan sends the next ones to the fallback (overload). */
  calls: { maxCallSeconds: number; shutdownGraceMs: number; maxInApp: number; maxPerSecond: number; orphanSweepMs: number; orphanGraceMs: number;
    /** Flows that only play fixed prompts and hang up run in the dialplan (app/ivr/flow-dialplan.ts); false: every flow in the app. */
    compileFlows: boolean;
    /** The SIP front's JSON-RPC URL (scripts/sip-front.cfg), where the admission rate is set too; none: the dialplan alone admits. */
    sipFrontUrl?: string };
  /** Prompt library: files land in `dir`, which Asterisk must see as sounds `<soundPrefix>/<name>`. */
  prompts: { dir: string; soundPrefix: string; maxUploadBytes: number; maxSeconds: number };
  kb: { maxAttachmentBytes: number };
  metricsEnabled: boolean;
  /** /metrics is served to these addresses (IP or CIDR), or to a request bearing `token`. */
  metricsAccess: { allow: string[]; token?: string };
  /** Excel/CSV import: numbers shorter than a phone number that are accepted as internal numbers. */
  io: { internalNumbers: NumberRange[] };
  /** Tickets: the largest attachment accepted. */
  tickets: { maxAttachmentBytes: number };
  /** Call recording: `dir` Hotline's store; `spoolDir` MixMonitor's output as Hotline sees it, `asteriskSpoolDir` as Asterisk names it; `keyFile` the AES keys. */
  recordings: { dir: string; spoolDir: string; asteriskSpoolDir: string; keyFile: string; purgeAt: string };
  /** Fax images: `pbxDir` as Asterisk sees it, `localDir` as Hotline does. */
  fax: {
    pbxDir: string;
    localDir: string;
    maxPages: number;
    maxBytes: number;
    dial: string;
    attempts: number;
    retrySeconds: number;
    ringSeconds: number;
    allowedPrefixes: string[];
    deniedPrefixes: string[];
    callerId: string;
    detectNumbers: string[];
    detectInbox: string;
  };
  /** Voicemail inbox: retention of done messages (days, 0 = kept) and the collector's margin. */
  voicemail: { retentionDays: number; settleMarginSeconds: number };
  /** Blocked numbers: how often the active node writes the difference into Asterisk's copy. */
  blocklist: { syncEveryMs: number };
  /** Persisted timed jobs: a job `running` longer than the lease belongs to a dead node. */
  scheduler: { leaseMs: number };
  /** Outgoing webhooks: the retry waits (empty: the contract's 10 s … 3 h). */
  webhooks: { retryMs: number[] };
  /** Scheduled report e-mail. */
  reportMail: { smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string }; from: string; attempts: number; retryMs: number };
  ha: { enabled: boolean; lockName: string; checkMs: number };
  acd: { deviceContext: string; mediaAddress?: string; reconcileMs: number; outboundDial: string; webrtcWsUrl: string; agentRtpTimeoutSeconds: number };
  auth: {
    sessionTtlMs: number;
    requireTotpFor: Role[];
    lockout: { maxFailedAttempts: number; lockoutMs: number };
    loginRatePerMinute: number;
    bootstrapAdminPassword?: string;
    ldap?: {
      url: string;
      startTls: boolean;
      bindDn: string;
      bindPassword: string;
      baseDn: string;
      userFilter?: string;
      groupBaseDn?: string;
      roleMap: Array<{ group: string; role: Role }>;
      timeoutMs: number;
    };
  };
}

type Role = 'admin' | 'supervisor' | 'agent' | 'readonly';

/** Names of settings whose values must never be printed. */
export const SECRET_KEYS = [
  'HOTLINE_DB_PASSWORD',
  'HOTLINE_ARI_PASSWORD',
  'HOTLINE_AMI_PASSWORD',
  'HOTLINE_ATTACH_AMI_PASSWORD',
  'HOTLINE_LDAP_BIND_PASSWORD',
  'HOTLINE_BOOTSTRAP_ADMIN_PASSWORD',
  'HOTLINE_METRICS_TOKEN',
  'HOTLINE_SMTP_PASSWORD',
] as const;

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const secret = (SECRET_KEYS as readonly string[]).includes(variable);
    const value = picked[variable];
    // A URL's user:password part is never echoed.
    const shown = value?.replace(/\/\/[^/@]*@/, '//***@');
    const got = secret || shown === undefined ? '' : ` (got ${JSON.stringify(shown)})`;
    throw new ConfigError(variable, `Invalid configuration: ${variable}: ${issue.message}${got}`);
  }
  const e = parsed.data;
  return {
    nodeName: e.HOTLINE_NODE_NAME,
    http: {
      host: e.HOTLINE_HTTP_HOST,
      port: e.HOTLINE_HTTP_PORT,
      tls: tlsConfig(e),
      corsOrigins: e.HOTLINE_CORS_ORIGINS ? e.HOTLINE_CORS_ORIGINS.split(',') : [],
    },
    logLevel: e.HOTLINE_LOG_LEVEL,
    db:
      e.HOTLINE_DB_TYPE === 'sqlite'
        ? { type: 'sqlite', path: e.HOTLINE_DB_PATH }
        : {
            type: e.HOTLINE_DB_TYPE,
            host: e.HOTLINE_DB_HOST,
            port: e.HOTLINE_DB_PORT,
            user: e.HOTLINE_DB_USER,
            password: e.HOTLINE_DB_PASSWORD,
            database: e.HOTLINE_DB_NAME,
          },
    ari: {
      url: e.HOTLINE_ARI_URL.replace(/\/+$/, ''),
      user: e.HOTLINE_ARI_USER,
      password: e.HOTLINE_ARI_PASSWORD,
      app: e.HOTLINE_ARI_APP,
    },
    ami: { host: e.HOTLINE_AMI_HOST, port: e.HOTLINE_AMI_PORT, user: e.HOTLINE_AMI_USER, password: e.HOTLINE_AMI_PASSWORD },
    ownPbx: e.HOTLINE_OWN_PBX,
    ...attachConfig(e),
    calls: {
      maxCallSeconds: e.HOTLINE_MAX_CALL_SECONDS,
      shutdownGraceMs: e.HOTLINE_SHUTDOWN_GRACE_MS,
      maxInApp: e.HOTLINE_MAX_CALLS_IN_APP,
      maxPerSecond: e.HOTLINE_MAX_CALLS_PER_SECOND,
      orphanSweepMs: e.HOTLINE_ORPHAN_SWEEP_MS,
      compileFlows: e.HOTLINE_COMPILE_FLOWS,
      sipFrontUrl: e.HOTLINE_SIP_FRONT_URL,
      orphanGraceMs: e.HOTLINE_ORPHAN_GRACE_MS,
    },
    kb: { maxAttachmentBytes: e.HOTLINE_KB_MAX_ATTACHMENT_BYTES },
    prompts: {
      dir: e.HOTLINE_PROMPTS_DIR,
      soundPrefix: e.HOTLINE_PROMPTS_SOUND_PREFIX,
      maxUploadBytes: e.HOTLINE_PROMPT_MAX_BYTES,
      maxSeconds: e.HOTLINE_PROMPT_MAX_SECONDS,
    },
    metricsEnabled: e.HOTLINE_METRICS_ENABLED,
    metricsAccess: {
      allow: e.HOTLINE_METRICS_ALLOW === 'none' ? [] : e.HOTLINE_METRICS_ALLOW.split(',').map((a) => a.trim()),
      ...(e.HOTLINE_METRICS_TOKEN ? { token: e.HOTLINE_METRICS_TOKEN } : {}),
    },
    io: { internalNumbers: parseNumberRanges(e.HOTLINE_IMPORT_INTERNAL_NUMBERS) },
    tickets: { maxAttachmentBytes: e.HOTLINE_TICKET_ATTACHMENT_MAX_BYTES },
    recordings: { dir: e.HOTLINE_RECORDINGS_DIR, spoolDir: e.HOTLINE_RECORDINGS_SPOOL_DIR, asteriskSpoolDir: e.HOTLINE_RECORDINGS_ASTERISK_SPOOL_DIR ?? e.HOTLINE_RECORDINGS_SPOOL_DIR, keyFile: e.HOTLINE_RECORDINGS_KEY_FILE, purgeAt: e.HOTLINE_RECORDINGS_PURGE_AT },
    scheduler: { leaseMs: e.HOTLINE_SCHEDULER_LEASE_SECONDS * 1000 },
    webhooks: { retryMs: e.HOTLINE_WEBHOOK_RETRY_MS ? e.HOTLINE_WEBHOOK_RETRY_MS.split(',').map(Number) : [] },
    reportMail: {
      ...(e.HOTLINE_SMTP_HOST ? { smtp: { host: e.HOTLINE_SMTP_HOST, port: e.HOTLINE_SMTP_PORT, secure: e.HOTLINE_SMTP_SECURE, user: e.HOTLINE_SMTP_USER, password: e.HOTLINE_SMTP_PASSWORD } } : {}),
      from: e.HOTLINE_SMTP_FROM,
      attempts: e.HOTLINE_REPORT_MAIL_ATTEMPTS,
      retryMs: e.HOTLINE_REPORT_MAIL_RETRY_SECONDS * 1000,
    },
    fax: {
      pbxDir: e.HOTLINE_FAX_PBX_DIR.replace(/\/+$/, ''),
      localDir: e.HOTLINE_FAX_LOCAL_DIR.replace(/\/+$/, ''),
      maxPages: e.HOTLINE_FAX_MAX_PAGES,
      maxBytes: e.HOTLINE_FAX_MAX_BYTES,
      dial: e.HOTLINE_FAX_DIAL ?? e.HOTLINE_OUTBOUND_DIAL,
      attempts: e.HOTLINE_FAX_ATTEMPTS,
      retrySeconds: e.HOTLINE_FAX_RETRY_SECONDS,
      ringSeconds: e.HOTLINE_FAX_RING_SECONDS,
      allowedPrefixes: e.HOTLINE_FAX_ALLOWED_PREFIXES.split(',').filter(Boolean),
      deniedPrefixes: e.HOTLINE_FAX_DENIED_PREFIXES.split(',').filter(Boolean),
      callerId: e.HOTLINE_FAX_CALLER_ID,
      detectNumbers: e.HOTLINE_FAX_DETECT_NUMBERS.split(',').filter(Boolean),
      detectInbox: e.HOTLINE_FAX_DETECT_INBOX,
    },
    voicemail: { retentionDays: e.HOTLINE_VOICEMAIL_RETENTION_DAYS, settleMarginSeconds: e.HOTLINE_VOICEMAIL_SETTLE_MARGIN_SECONDS },
    blocklist: { syncEveryMs: e.HOTLINE_BLOCKLIST_SYNC_SECONDS * 1000 },
    ha: haConfig(e),
    acd: { deviceContext: e.HOTLINE_ACD_DEVICE_CONTEXT, ...(e.HOTLINE_ACD_MEDIA_ADDRESS ? { mediaAddress: e.HOTLINE_ACD_MEDIA_ADDRESS } : {}), reconcileMs: e.HOTLINE_ACD_RECONCILE_MS, outboundDial: e.HOTLINE_OUTBOUND_DIAL, webrtcWsUrl: webrtcWsUrl(e), agentRtpTimeoutSeconds: e.HOTLINE_AGENT_RTP_TIMEOUT_SECONDS },
    auth: {
      sessionTtlMs: e.HOTLINE_SESSION_TTL_MINUTES * 60_000,
      requireTotpFor: e.HOTLINE_AUTH_REQUIRE_TOTP_FOR ? (e.HOTLINE_AUTH_REQUIRE_TOTP_FOR.split(',') as Role[]) : [],
      lockout: { maxFailedAttempts: e.HOTLINE_AUTH_LOCKOUT_ATTEMPTS, lockoutMs: e.HOTLINE_AUTH_LOCKOUT_MINUTES * 60_000 },
      loginRatePerMinute: e.HOTLINE_AUTH_LOGIN_RATE_PER_MINUTE,
      bootstrapAdminPassword: e.HOTLINE_BOOTSTRAP_ADMIN_PASSWORD,
      ldap: ldapConfig(e),
    },
  };
}

/** Why `v` is not an IP address or CIDR range (10.0.0.0/8, fd00::/8), or null when it is one. */
export function addressRangeProblem(v: string): string | null {
  const [address, prefix, extra] = v.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return `${JSON.stringify(v)} is not an IP address or CIDR range (e.g. 10.0.0.0/8)`;
  if (prefix === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `${JSON.stringify(v)}: the prefix length must be 0-${max}`;
  return null;
}

/** A range of numbers of one length, both ends included ("8000"–"8999"); a single number has from = to. */
export interface NumberRange {
  from: string;
  to: string;
}

const RANGE = /^(\d{1,20})(?:-(\d{1,20}))?$/;

/** Why `v` is not a comma list of digit ranges ("8000-8999,95588"), or null when it is one (empty too). */
export function numberRangesProblem(v: string): string | null {
  for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = RANGE.exec(part);
    if (!m) return `"${part}" is not a number or a range of numbers such as 8000-8999`;
    const [, from, to = from] = m;
    if (from!.length !== to!.length) return `"${part}": both ends of a range have the same number of digits`;
    if (from! > to!) return `"${part}": the range ends before it starts`;
  }
  return null;
}

export function parseNumberRanges(v: string): NumberRange[] {
  return v
    .split(',')
    .map((p) => RANGE.exec(p.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, from, to]) => ({ from: from!, to: to ?? from! }));
}

/** Why `v` is not a tcp://host:port AMI address, or null when it is one. */
export function attachUrlProblem(v: string): string | null {
  const hint = 'must be tcp://host:port, the AMI address of the existing PBX';
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return hint;
  }
  if (u.protocol !== 'tcp:') return `${hint} (scheme ${u.protocol.replace(/:$/, '')} is not tcp)`;
  if (u.username || u.password) return `${hint}; put the credentials in HOTLINE_ATTACH_AMI_USER / _PASSWORD, not in the URL`;
  if (!u.hostname) return `${hint} (no host)`;
  // URL drops a port equal to the scheme's default; tcp: has none, so an empty port means none was given.
  if (!u.port || Number(u.port) < 1) return `${hint} (no port)`;
  if ((u.pathname && u.pathname !== '/') || u.search || u.hash) return `${hint} (nothing after the port)`;
  return null;
}

function attachConfig(e: RawConfig): Pick<Config, 'attach'> {
  if (!e.HOTLINE_ATTACH_AMI_URL) {
    for (const key of ['HOTLINE_ATTACH_AMI_USER', 'HOTLINE_ATTACH_AMI_PASSWORD'] as const) {
      if (e[key]) throw new ConfigError(key, `Invalid configuration: ${key}: set without HOTLINE_ATTACH_AMI_URL`);
    }
    return {};
  }
  for (const key of ['HOTLINE_ATTACH_AMI_USER', 'HOTLINE_ATTACH_AMI_PASSWORD'] as const) {
    if (!e[key]) throw new ConfigError(key, `Invalid configuration: ${key}: required when HOTLINE_ATTACH_AMI_URL is set`);
  }
  const u = new URL(e.HOTLINE_ATTACH_AMI_URL);
  return {
    attach: {
      name: e.HOTLINE_ATTACH_NAME,
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(u.port),
      user: e.HOTLINE_ATTACH_AMI_USER!,
      password: e.HOTLINE_ATTACH_AMI_PASSWORD!,
    },
  };
}

function haConfig(e: RawConfig): Config['ha'] {
  if (e.HOTLINE_HA_ENABLED && e.HOTLINE_DB_TYPE === 'sqlite') {
    throw new ConfigError('HOTLINE_HA_ENABLED', 'Invalid configuration: HOTLINE_HA_ENABLED: hot standby needs a shared MariaDB/MySQL (HOTLINE_DB_TYPE)');
  }
  return { enabled: e.HOTLINE_HA_ENABLED, lockName: e.HOTLINE_HA_LOCK_NAME, checkMs: e.HOTLINE_HA_CHECK_MS };
}

/** Where browsers reach Asterisk's SIP-over-WebSocket: set, or the ARI URL's host:port + /ws (wss for https). */
export function webrtcWsUrl(e: Pick<RawConfig, 'HOTLINE_WEBRTC_WS_URL' | 'HOTLINE_ARI_URL'>): string {
  if (e.HOTLINE_WEBRTC_WS_URL) return e.HOTLINE_WEBRTC_WS_URL.replace(/\/+$/, '');
  const ari = new URL(e.HOTLINE_ARI_URL);
  return `${ari.protocol === 'https:' ? 'wss' : 'ws'}://${ari.host}/ws`;
}

function tlsConfig(e: RawConfig): Config['http']['tls'] {
  if (!e.HOTLINE_TLS_CERT_FILE && !e.HOTLINE_TLS_KEY_FILE) return undefined;
  if (!e.HOTLINE_TLS_CERT_FILE) throw new ConfigError('HOTLINE_TLS_CERT_FILE', 'Invalid configuration: HOTLINE_TLS_CERT_FILE: required with HOTLINE_TLS_KEY_FILE');
  if (!e.HOTLINE_TLS_KEY_FILE) throw new ConfigError('HOTLINE_TLS_KEY_FILE', 'Invalid configuration: HOTLINE_TLS_KEY_FILE: required with HOTLINE_TLS_CERT_FILE');
  return { certFile: e.HOTLINE_TLS_CERT_FILE, keyFile: e.HOTLINE_TLS_KEY_FILE };
}

const MAPPED_ROLES = ['admin', 'supervisor', 'agent', 'readonly'] as const;

/**
 * `role:groupDN|role:groupDN…` → the pairs, each group a well-formed DN. Refuses what would
 * silently map nothing: the Markdown table escape `\|` pasted as written (it leaves a `\` at
 * the end of every DN but the last), an unknown role, an RDN without `=`, an empty value.
 */
export function parseRoleMap(value: string): Array<{ role: Role; group: string }> {
  const bad = (why: string): never => {
    throw new ConfigError('HOTLINE_LDAP_ROLE_MAP', `Invalid configuration: HOTLINE_LDAP_ROLE_MAP: ${why}`);
  };
  if (value.includes('\\|')) bad('contains "\\|": separate the role:groupDN pairs with a plain | (the backslash only escapes | inside the docs\' table)');
  return value.split('|').map((raw, n) => {
    const pair = raw.trim();
    const i = pair.indexOf(':');
    const role = pair.slice(0, Math.max(i, 0));
    const group = pair.slice(i + 1).trim();
    if (i < 0 || !(MAPPED_ROLES as readonly string[]).includes(role)) bad(`pair ${n + 1} "${pair.slice(0, 40)}" must be role:groupDN with role one of ${MAPPED_ROLES.join(', ')}`);
    if (/(^|[^\\])(\\\\)*\\$/.test(group)) bad(`pair ${n + 1}: the group DN ends with a lone backslash`);
    const rdns = group.split(/(?<!\\),/);
    if (!group || rdns.some((rdn) => !/^\s*[A-Za-z][A-Za-z0-9-]*\s*=\s*\S/.test(rdn))) bad(`pair ${n + 1}: "${group.slice(0, 60)}" is not a DN like cn=agents,ou=groups,dc=example,dc=com`);
    return { role: role as Role, group };
  });
}

function ldapConfig(e: RawConfig): Config['auth']['ldap'] {
  if (!e.HOTLINE_LDAP_URL) return undefined;
  for (const key of ['HOTLINE_LDAP_BIND_DN', 'HOTLINE_LDAP_BASE_DN', 'HOTLINE_LDAP_ROLE_MAP'] as const) {
    if (!e[key]) throw new ConfigError(key, `Invalid configuration: ${key}: required when HOTLINE_LDAP_URL is set`);
  }
  return {
    url: e.HOTLINE_LDAP_URL,
    startTls: e.HOTLINE_LDAP_STARTTLS,
    bindDn: e.HOTLINE_LDAP_BIND_DN!,
    bindPassword: e.HOTLINE_LDAP_BIND_PASSWORD ?? '',
    baseDn: e.HOTLINE_LDAP_BASE_DN!,
    userFilter: e.HOTLINE_LDAP_USER_FILTER,
    groupBaseDn: e.HOTLINE_LDAP_GROUP_BASE_DN,
    roleMap: parseRoleMap(e.HOTLINE_LDAP_ROLE_MAP!),
    timeoutMs: e.HOTLINE_LDAP_TIMEOUT_MS,
  };
}

/** Every configured secret value, for log redaction and the no-secret-in-logs tests. */
export function secretValues(config: Config): string[] {
  const values = [config.ari.password, config.ami.password, config.attach?.password ?? '', config.auth.ldap?.bindPassword ?? '', config.auth.bootstrapAdminPassword ?? '', config.metricsAccess.token ?? '', config.reportMail.smtp?.password ?? ''];
  if (config.db.type !== 'sqlite' && config.db.password) values.push(config.db.password);
  return values.filter((v) => v.length >= 4);
}
