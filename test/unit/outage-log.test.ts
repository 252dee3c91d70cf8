// A link that stays down is logged once, then at most once a minute with a count: OutageLog on
// a fake clock, and the AMI client against a closed port (no Asterisk), counting its log lines.
import { expect } from 'chai';
import net from 'node:net';
import { once } from 'node:events';
import { OutageLog } from '../../app/pbx/outage-log.js';
import { AmiClient } from '../../app/pbx/ami/index.js';
import type { AmiLogger } from '../../app/pbx/ami/types.js';

describe('OutageLog (fake clock)', () => {
  it('an hour of failures every 4 s gives one first line and then one line a minute with the count', () => {
    let now = 1_000_000;
    const outage = new OutageLog(60_000, () => now);
    const lines = [];
    for (let i = 0; i < 900; i++, now += 4000) {
      const note = outage.failed();
      if (note) lines.push(note);
    }
    expect(lines).to.have.length(60); // 900 failures over 3,600 s: was 900 lines
    expect(lines[0]).to.deep.equal({ first: true, failedAttempts: 1, downForMs: 0 });
    expect(lines[1]).to.deep.equal({ first: false, failedAttempts: 15, downForMs: 60_000 });
    expect(lines.slice(1).every((l) => !l.first && l.failedAttempts === 15)).to.equal(true);
    expect(lines.reduce((n, l) => n + l.failedAttempts, 0)).to.equal(900 - 14); // the last 14 not yet reported
    expect(outage.recovered()).to.deep.equal({ failedAttempts: 900, downForMs: 3_600_000 });
  });

  it('after the link comes back the next outage starts with a first line again; no outage, no totals', () => {
    let now = 0;
    const outage = new OutageLog(60_000, () => now);
    expect(outage.recovered()).to.equal(undefined);
    expect(outage.failed()?.first).to.equal(true);
    now += 1000;
    expect(outage.failed()).to.equal(undefined);
    expect(outage.recovered()).to.deep.equal({ failedAttempts: 2, downForMs: 1000 });
    now += 1000;
    expect(outage.failed()).to.deep.equal({ first: true, failedAttempts: 1, downForMs: 0 });
  });
});

describe('AmiClient with AMI unreachable', () => {
  it('dozens of failed attempts write one warning, not one each', async () => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r)); // a port nobody listens on
    const lines: Array<[string, object, string]> = [];
    const logger: AmiLogger = {
      debug: () => {},
      info: (o, m) => lines.push(['info', o, m]),
      warn: (o, m) => lines.push(['warn', o, m]),
      error: (o, m) => lines.push(['error', o, m]),
    };
    const client = new AmiClient({ host: '127.0.0.1', port, username: 'hotline', secret: 'not-logged', logger, backoff: { initialMs: 5, maxMs: 10 } });
    let attempts = 0;
    client.on('disconnected', () => attempts++);
    client.start();
    const deadline = Date.now() + 5000;
    while (attempts < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await client.stop();
    expect(attempts).to.be.at.least(40);
    expect(lines.map(([level, , msg]) => `${level}: ${msg}`)).to.deep.equal(['warn: AMI connection attempt failed; retrying (further failures logged at most once a minute)']);
  });
});
