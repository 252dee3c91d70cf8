// Click-to-dial: an agent calls a customer from the console. Asterisk rings the agent's own
// device first (showing the customer's number); when the agent answers, the dialplan
// (hotline-agent-dial) dials the customer with the agent listening. The agent's console gets
// the customer's screen pop as the request is made, before the phone rings.
import { randomUUID } from 'node:crypto';
import type { CallbackControl } from '../pbx/ports.js';
import type { AcdConfig } from './acd.config.js';
import { AgentStateError, PbxUnavailableError } from './acd.errors.js';
import { outboundDialString } from './acd.schemas.js';
import { deviceInterface } from './asterisk-config.js';

type DialListener = (agentId: string, number: string, channelId: string) => Promise<void>;

export class AgentDialer {
  private listeners: DialListener[] = [];

  constructor(
    private readonly config: AcdConfig,
    private readonly pbx: Pick<CallbackControl, 'agentCall'>,
    private readonly dialTemplate: string,
  ) {}

  onDial(l: DialListener): void {
    this.listeners.push(l);
  }

  /** `channelId`: the agent channel's id when the caller wrote a row keyed by it first (a campaign's attempt); a fresh one otherwise. */
  async dial(agentId: string, number: string, name: string, channelId = `hotline-out-${randomUUID()}`): Promise<{ channelId: string; agentId: string; number: string }> {
    const a = await this.config.agent(agentId);
    if (a.state === 'on_call' || a.state === 'ringing') throw new AgentStateError('agent_busy', `agent ${a.name} is ${a.state === 'on_call' ? 'on a call' : 'being rung'}: try again when the line is free`);
    // The pop first: it reaches the console before the agent's phone rings.
    await Promise.allSettled(this.listeners.map((l) => l(agentId, number, channelId)));
    await this.pbx
      .agentCall({ channelId, device: deviceInterface(a.endpoint), number, name, dial: outboundDialString(this.dialTemplate, number), ringSeconds: 30 })
      .catch((err: Error) => {
        throw new PbxUnavailableError(err.message);
      });
    return { channelId, agentId, number };
  }
}
