// The agent's line picked from CoreShowChannels: the agent's bridged channel and the channel in
// the same bridge; none when the device has no channel.
import { expect } from 'chai';
import { pickLine } from '../../app/pbx/agent-lines.js';

const ch = (name: string, uniqueid: string, num: string, bridge: string, duration = '00:00:10', state = '6') => ({
  Event: 'CoreShowChannel', Channel: name, Uniqueid: uniqueid, Linkedid: uniqueid, ChannelState: state, CallerIDNum: num, CallerIDName: '', ConnectedLineNum: '<unknown>', Duration: duration, BridgeId: bridge,
});

describe('pickLine (an agent\'s call from CoreShowChannels)', () => {
  it('finds the agent\'s bridged channel and the caller in its bridge, not another agent\'s', () => {
    const line = pickLine([
      ch('PJSIP/callers-00000001', '100.1', '13900139001', 'b1'),
      ch('PJSIP/agent-a-00000002', '100.2', '13900139001', 'b1'),
      ch('PJSIP/agent-ab-00000003', '100.3', '5551', 'b2'),
      ch('PJSIP/callers-00000004', '100.4', '5551', 'b2'),
    ], 'PJSIP/agent-a');
    expect(line?.agent.channel).to.equal('PJSIP/agent-a-00000002');
    expect(line?.agent.connectedNumber).to.equal('');
    expect(line?.peer).to.deep.equal({ channel: 'PJSIP/callers-00000001', uniqueid: '100.1', number: '13900139001', name: '' });
  });

  it('prefers the bridged channel over a newer unbridged one (a consultation ringing), and says null with no channel', () => {
    const items = [ch('PJSIP/agent-a-00000009', '100.9', 'agent-a', '', '00:00:02'), ch('PJSIP/agent-a-00000002', '100.2', '1390', 'b1', '00:01:00'), ch('PJSIP/callers-00000001', '100.1', '1390', 'b1')];
    expect(pickLine(items, 'PJSIP/agent-a')?.agent.uniqueid).to.equal('100.2');
    expect(pickLine(items, 'PJSIP/agent-b')).to.equal(null);
    expect(pickLine([ch('PJSIP/agent-a-0000000a', '100.10', 'agent-a', '')], 'PJSIP/agent-a')?.peer).to.equal(null);
  });
});
