// pino logger. Secrets are redacted by key, and any configured secret value that
// slips into a message string is masked before the line is written.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export function createLogger(opts: { level: string; secrets: string[]; destination?: DestinationStream }): Logger {
  const secrets = opts.secrets.filter((s) => s.length >= 4);
  const mask = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join('[REDACTED]'), s);
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: false });
  const stream: DestinationStream = secrets.length
    ? { write: (line: string) => dest.write(mask(line)) }
    : dest;
  return pino(
    {
      level: opts.level,
      base: undefined,
      redact: {
        paths: ['password', 'secret', '*.password', '*.secret', 'headers.authorization', 'req.headers.authorization', 'authorization'],
        censor: '[REDACTED]',
      },
    },
    stream,
  );
}
