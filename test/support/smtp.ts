// A real SMTP server for tests (the `smtp-server` package) that keeps every message it
// accepted, parsed (mailparser), and can refuse messages: `rejectNext(n)` refuses the next n
// DATA commands with a 451, `rejectAll(true)` refuses every one with a 554.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

export interface TestSmtp {
  port: number;
  /** Messages accepted, parsed. */
  received: ParsedMail[];
  /** DATA commands refused so far. */
  refused: number;
  rejectNext(n: number): void;
  rejectAll(on: boolean): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const port = await freePort();
  let rejectCount = 0;
  let rejectEvery = false;
  const state: TestSmtp = {
    port,
    received: [],
    refused: 0,
    rejectNext: (n) => (rejectCount = n),
    rejectAll: (on) => (rejectEvery = on),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (rejectEvery || rejectCount > 0) {
          if (rejectCount > 0) rejectCount--;
          state.refused++;
          const err = Object.assign(new Error(rejectEvery ? 'Mailbox unavailable (test refuses all)' : 'Try again later (test refuses)'), { responseCode: rejectEvery ? 554 : 451 });
          callback(err);
          return;
        }
        simpleParser(Buffer.concat(chunks)).then((m) => {
          state.received.push(m);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return state;
}
