// The API's last error handler: a database that cannot be reached (a pool connection that timed
// out, a refused or reset connection, SQLite busy) is a 503 the client may retry, with the JSON
// error shape and no internals; any other unexpected error stays a 500.
import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { errorHandler } from '../../app/http/error-handler.js';

async function answer(err: unknown): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const app = express();
  app.get('/x', (_req, _res, next) => next(err));
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  } finally {
    server.close();
  }
}

describe('API error handler: the database unreachable', () => {
  it('a pool connection that timed out (mysql2: connect ETIMEDOUT) is a 503 to retry, not an internal error', async () => {
    const err = Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT', fatal: true }); // as mysql2 makes it
    const r = await answer(err);
    expect(r.status).to.equal(503);
    expect(r.retryAfter).to.equal('5');
    expect(r.body).to.deep.equal({ error: { code: 'database_unavailable', message: 'the database does not answer; try again in a few seconds' } });
  });

  it('the same wrapped by TypeORM (driverError) and a refused connection are 503 too', async () => {
    expect((await answer(Object.assign(new Error('query failed'), { driverError: { code: 'PROTOCOL_CONNECTION_LOST' } }))).status).to.equal(503);
    expect((await answer(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', fatal: true }))).status).to.equal(503);
  });

  it('a timeout of another client (not marked fatal by the MySQL driver) is no database outage: 500', async () => {
    expect((await answer(Object.assign(new Error('connect ETIMEDOUT 10.0.0.9:25'), { code: 'ETIMEDOUT' }))).status).to.equal(500);
  });

  it('any other unexpected error stays a 500 without its message', async () => {
    const r = await answer(Object.assign(new Error('Duplicate entry secret-value'), { code: 'ER_DUP_ENTRY' }));
    expect(r.status).to.equal(500);
    expect(r.body).to.deep.equal({ error: { code: 'internal', message: 'internal error' } });
  });
});
