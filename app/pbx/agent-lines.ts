// An agent's line as Asterisk has it: the agent's channel on its device, the bridge it is in and
// the channel at the other end (one CoreShowChannels over AMI), and hanging the agent's leg up
// (AMI Hangup, only while this node is active). The console asks this after a reload, when the
// browser's own SIP session is gone but the call goes on in Asterisk.
import type { AmiClient } from './ami/client.js';
import { channelOf, deviceOf, durationSeconds } from './ami/channel-events.js';
import { fieldOf } from './ami/parser.js';
import { AmiError, type AmiMessage } from './ami/types.js';
import { FencedError, type AgentLine, type AgentLines } from './ports.js';

interface Listed {
  channel: string;
  uniqueid: string;
  number: string;
  name: string;
  state: number;
  durationSeconds: number;
  bridgeId: string;
  connectedNumber: string;
}

/** Asterisk writes `<unknown>` for an empty number. */
const known = (v: string): string => (v === '<unknown>' ? '' : v);

const listed = (e: AmiMessage): Listed => {
  const c = channelOf(e);
  return { channel: c.name, uniqueid: c.uniqueid, number: c.callerNumber, name: c.callerName, state: c.state, durationSeconds: durationSeconds(fieldOf(e, 'Duration')), bridgeId: fieldOf(e, 'BridgeId') ?? '', connectedNumber: known(fieldOf(e, 'ConnectedLineNum') ?? '') };
};

/** The agent's line among CoreShowChannel items (pure): its bridged channel first, then its oldest. */
export function pickLine(items: AmiMessage[], device: string): AgentLine | null {
  const all = items.filter((e) => fieldOf(e, 'Event') === 'CoreShowChannel').map(listed);
  const mine = all.filter((c) => deviceOf(c.channel) === device).sort((a, b) => Number(!!b.bridgeId) - Number(!!a.bridgeId) || b.durationSeconds - a.durationSeconds);
  const agent = mine[0];
  if (!agent) return null;
  const peer = agent.bridgeId ? all.find((c) => c.bridgeId === agent.bridgeId && c.uniqueid !== agent.uniqueid) : undefined;
  return { agent, peer: peer ? { channel: peer.channel, uniqueid: peer.uniqueid, number: peer.number, name: peer.name } : null };
}

export class AmiAgentLines implements AgentLines {
  constructor(
    private readonly ami: AmiClient,
    private readonly mayAct: () => boolean,
  ) {}

  async lineOf(device: string): Promise<AgentLine | null> {
    const r = await this.ami.actionList('CoreShowChannels', {}, { timeoutMs: 10_000 });
    return pickLine(r.events, device);
  }

  async hangup(channel: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    try {
      await this.ami.action('Hangup', { Channel: channel });
    } catch (err) {
      // "No such channel": it ended meanwhile, which is what was asked.
      if (err instanceof AmiError && err.code === 'action_failed' && /no such channel/i.test(fieldOf(err.response ?? ({} as AmiMessage), 'Message') ?? err.message)) return;
      throw err;
    }
  }
}
