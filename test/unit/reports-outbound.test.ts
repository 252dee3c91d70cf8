// The agents' outbound calls in the reports: the dialplan's UserEvents become ACD events, and
// ended calls become outbound rollup rows (placed, connected, talk) in the bucket of the dial.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { toQueueEvent } from '../../app/pbx/ami/queue-control.js';
import { outboundRows, type OutboundFact } from '../../app/reports/rollup.js';

const at = (iso: string) => new Date(iso);
const fact = (over: Partial<OutboundFact>): OutboundFact => ({ agentId: 'a1', placedAt: at('2026-12-01T08:01:00Z'), endedAt: at('2026-12-01T08:03:00Z'), dialStatus: 'ANSWER', talkSeconds: 100, ...over });

describe('outbound calls in the reports', () => {
  it('reads the dialplan events of a dial and its end', () => {
    const now = new Date();
    expect(toQueueEvent({ Event: 'UserEvent', UserEvent: 'HotlineOutbound', Uniqueid: 'hotline-out-1', Number: '13800138000', Kind: 'click', Endpoint: '8001' }, now)).to.deep.include({ kind: 'outbound', stage: 'start', uniqueid: 'hotline-out-1', number: '13800138000', via: 'click', endpoint: '8001' });
    expect(toQueueEvent({ Event: 'UserEvent', UserEvent: 'HotlineOutboundEnd', Uniqueid: 'hotline-out-1', Status: 'ANSWER', Answered: '42', Dialed: '50' }, now)).to.deep.include({ kind: 'outbound', stage: 'end', status: 'ANSWER', answeredSeconds: 42, dialedSeconds: 50 });
  });

  it('the dialplan raises both events for click-to-dial and for outside numbers dialled from a device', () => {
    const conf = readFileSync(new URL('../../dialplan/extensions.conf', import.meta.url), 'utf8');
    const body = (context: string) => conf.split(/^\[/m).find((s) => s.startsWith(`${context}]`)) ?? '';
    expect(body('hotline-agent-dial')).to.match(/UserEvent\(HotlineOutbound,.*Kind: click/).and.match(/exten => h,1,Gosub\(hotline-outbound-end,s,1\)/);
    expect(body('hotline-agents')).to.match(/UserEvent\(HotlineOutbound,.*Kind: device/).and.match(/exten => h,1,Gosub\(hotline-outbound-end,s,1\)/);
    expect(body('hotline-outbound-end')).to.match(/HotlineOutboundEnd,.*Status: \$\{DIALSTATUS\},Answered: \$\{ANSWEREDTIME\}/);
  });

  it('rolls ended calls up by bucket of the dial and agent: placed, connected, talk of connected calls; calls under way are left out', () => {
    const rows = outboundRows([
      fact({}),
      fact({ dialStatus: 'NOANSWER', talkSeconds: 0 }),
      fact({ dialStatus: 'BUSY', talkSeconds: 7 }),
      fact({ agentId: 'a2', talkSeconds: 30 }),
      fact({ placedAt: at('2026-12-01T08:14:59Z'), talkSeconds: 5 }),
      fact({ placedAt: at('2026-12-01T08:15:00Z'), talkSeconds: 9 }),
      fact({ endedAt: null }),
      fact({ agentId: null, dialStatus: 'CANCEL', talkSeconds: 0 }),
    ]);
    const row = (bucket: string, key: string) => rows.find((r) => r.bucketAt.toISOString() === bucket && r.dimKey === key);
    expect(rows.every((r) => r.dimension === 'outbound' && r.queue === '')).to.equal(true);
    expect(row('2026-12-01T08:00:00.000Z', 'a1')).to.include({ offered: 4, answered: 2, talkSeconds: 105 });
    expect(row('2026-12-01T08:00:00.000Z', 'a2')).to.include({ offered: 1, answered: 1, talkSeconds: 30 });
    expect(row('2026-12-01T08:00:00.000Z', '')).to.include({ offered: 1, answered: 0, talkSeconds: 0 });
    expect(row('2026-12-01T08:15:00.000Z', 'a1')).to.include({ offered: 1, answered: 1, talkSeconds: 9 });
    expect(rows).to.have.length(4);
  });
});
