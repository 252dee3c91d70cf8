// The only reader of process.env. Every setting is validated with zod; a bad value
// stops the start with one line naming the variable (never echoing a secret).
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const schema = z.object({
  HOTLINE_NODE_NAME: z.string().min(1).max(64).default('hotline-1'),
  HOTLINE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HOTLINE_HTTP_PORT: port.default(8080),
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

  HOTLINE_PROMPTS_DIR: z.string().min(1).default('./data/prompts'),
  HOTLINE_PROMPTS_SOUND_PREFIX: z.string().regex(/^[A-Za-z0-9_/-]{1,64}$/, 'a sound path such as hotline').default('hotline'),
  HOTLINE_PROMPT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  HOTLINE_PROMPT_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  HOTLINE_MAX_CALL_SECONDS: z.coerce.number().int().min(10).max(86400).default(3600),
  HOTLINE_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600000).default(15000),
  HOTLINE_METRICS_ENABLED: bool.default(true),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  nodeName: string;
  http: { host: string; port: number };
  logLevel: RawConfig['HOTLINE_LOG_LEVEL'];
  db:
    | { type: 'sqlite'; path: string }
    | { type: 'mariadb' | 'mysql'; host: string; port: number; user: string; password: string; database: string };
  ari: { url: string; user: string; password: string; app: string };
  ami: { host: string; port: number; user: string; password: string };
  calls: { maxCallSeconds: number; shutdownGraceMs: number };
  /** Prompt library: files land in `dir`, which Asterisk must see as sounds `<soundPrefix>/<name>`. */
  prompts: { dir: string; soundPrefix: string; maxUploadBytes: number; maxSeconds: number };
  metricsEnabled: boolean;
}

/** Names of settings whose values must never be printed. */
export const SECRET_KEYS = ['HOTLINE_DB_PASSWORD', 'HOTLINE_ARI_PASSWORD', 'HOTLINE_AMI_PASSWORD'] as const;

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
    const got = secret || picked[variable] === undefined ? '' : ` (got ${JSON.stringify(picked[variable])})`;
    throw new ConfigError(variable, `Invalid configuration: ${variable}: ${issue.message}${got}`);
  }
  const e = parsed.data;
  return {
    nodeName: e.HOTLINE_NODE_NAME,
    http: { host: e.HOTLINE_HTTP_HOST, port: e.HOTLINE_HTTP_PORT },
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
    calls: {
      maxCallSeconds: e.HOTLINE_MAX_CALL_SECONDS,
      shutdownGraceMs: e.HOTLINE_SHUTDOWN_GRACE_MS,
    },
    prompts: {
      dir: e.HOTLINE_PROMPTS_DIR,
      soundPrefix: e.HOTLINE_PROMPTS_SOUND_PREFIX,
      maxUploadBytes: e.HOTLINE_PROMPT_MAX_BYTES,
      maxSeconds: e.HOTLINE_PROMPT_MAX_SECONDS,
    },
    metricsEnabled: e.HOTLINE_METRICS_ENABLED,
  };
}

/** Every configured secret value, for log redaction and the no-secret-in-logs tests. */
export function secretValues(config: Config): string[] {
  const values = [config.ari.password, config.ami.password];
  if (config.db.type !== 'sqlite' && config.db.password) values.push(config.db.password);
  return values.filter((v) => v.length >= 4);
}
