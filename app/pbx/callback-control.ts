// Callback placeholders in Asterisk (ARI for the channels, AMI for AstDB). The placeholder is
// a Local channel pair with ids Hotline chooses (hotline-cb-<key> and hotline-cb-<key>-q), so
// the same placeholder can never be up twice: placing it again only finds it there.
import type { AmiClient } from './ami/client.js';
import { fieldOf } from './ami/parser.js';
import { AmiError } from './ami/types.js';
import type { AriHttp } from './ari/http.js';
import { AriHttpError } from './ari/http.js';
import { FencedError, type CallbackControl, type CallbackPlacement } from './ports.js';

export const CALLBACK_DIAL_CONTEXT = 'hotline-callback-dial';
export const CALLBACK_PLACE_CONTEXT = 'hotline-callback-place';
export const AGENT_DIAL_CONTEXT = 'hotline-agent-dial';
/** `"Name" <number>` for ARI's callerId (quotes and backslashes dropped from the name). */
const callerId = (name: string, number: string) => `"${name.replace(/["\\]/g, '')}" <${number}>`;
const ids = (key: string) => ({ dialer: `hotline-cb-${key}`, waiter: `hotline-cb-${key}-q` });

export class AriCallbackControl implements CallbackControl {
  constructor(
    private readonly ari: AriHttp,
    private readonly ami: AmiClient,
    private readonly mayAct: () => boolean,
  ) {}

  async place(p: CallbackPlacement): Promise<'created' | 'exists'> {
    if (!this.mayAct()) throw new FencedError();
    const { dialer, waiter } = ids(p.key);
    // `_` variables are inherited by the ;2 side (the one in the queue).
    const variables: Record<string, string> = {
      _HOTLINE_CB_KEY: p.key,
      _HOTLINE_QUEUE: p.queue,
      _HOTLINE_CB_PRIO: String(p.priority),
      _HOTLINE_CB_POSITION: p.position === null ? '' : String(p.position),
      _HOTLINE_CB_WAIT: String(p.waitSeconds),
      _HOTLINE_CB_NUMBER: p.number,
      _HOTLINE_CB_NAME: p.name,
      HOTLINE_CB_DIAL: p.dial,
      HOTLINE_CB_RING: String(p.ringSeconds),
    };
    // Placed already (a node died between placing and noting it): say so without asking Asterisk
    // for a channel id in use. Asterisk refuses that (409/400 below, kept for a placement racing
    // this check), but only after allocating the Local pair and failing half-way: an error path
    // of its own ("Channel Unique ID … already in use", "Unable to allocate owner channel
    // structure") that a crash of Asterisk's allocator followed once (docs/benchmarks.md).
    if (await this.alive(p.key)) return 'exists';
    try {
      await this.ari.request('POST', '/channels', {
        endpoint: `Local/s@${CALLBACK_PLACE_CONTEXT}/n`,
        context: CALLBACK_DIAL_CONTEXT,
        extension: 's',
        priority: 1,
        callerId: callerId(p.name, p.number),
        // The ;1 side "answers" when an agent answers the ;2 side: wait as long as the queue may.
        timeout: p.waitSeconds + 60,
        channelId: dialer,
        otherChannelId: waiter,
      }, { variables });
      return 'created';
    } catch (err) {
      if (err instanceof AriHttpError && (err.status === 409 || err.status === 400) && (await this.alive(p.key))) return 'exists';
      throw err;
    }
  }

  async alive(key: string): Promise<boolean> {
    for (const id of Object.values(ids(key))) {
      try {
        await this.ari.request('GET', `/channels/${encodeURIComponent(id)}`);
        return true;
      } catch (err) {
        if (!(err instanceof AriHttpError && err.isNotFound)) throw err;
      }
    }
    return false;
  }

  async results(key: string): Promise<{ queue: string | null; dial: string | null }> {
    return { queue: await this.dbGet(`${key}-queue`), dial: await this.dbGet(`${key}-dial`) };
  }

  private async dbGet(key: string): Promise<string | null> {
    try {
      const r = await this.ami.actionList('DBGet', { Family: 'hotline-cb', Key: key });
      const hit = r.events.find((e) => fieldOf(e, 'Event') === 'DBGetResponse');
      return hit ? (fieldOf(hit, 'Val') ?? '') : null;
    } catch (err) {
      if (err instanceof AmiError && /not found/i.test(String(fieldOf(err.response ?? {}, 'Message') ?? err.message))) return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    for (const id of Object.values(ids(key))) {
      try {
        await this.ari.request('DELETE', `/channels/${encodeURIComponent(id)}`, { reason: 'normal' });
      } catch (err) {
        if (!(err instanceof AriHttpError && err.isNotFound)) throw err;
      }
    }
  }

  async agentCall(p: { channelId: string; device: string; number: string; name: string; dial: string; ringSeconds: number }): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await this.ari.request('POST', '/channels', {
      endpoint: p.device,
      context: AGENT_DIAL_CONTEXT,
      extension: 's',
      priority: 1,
      callerId: callerId(p.name, p.number),
      timeout: p.ringSeconds,
      channelId: p.channelId,
    }, { variables: { HOTLINE_DIAL_TARGET: p.dial, HOTLINE_DIAL_NUMBER: p.number, HOTLINE_DIAL_RING: '60' } });
  }

  async variables(channelId: string, names: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of names) {
      try {
        const r = await this.ari.request<{ value?: string }>('GET', `/channels/${encodeURIComponent(channelId)}/variable`, { variable: name });
        out[name] = r?.value ?? '';
      } catch (err) {
        if (!(err instanceof AriHttpError && (err.isNotFound || err.status === 400))) throw err;
        out[name] = '';
      }
    }
    return out;
  }
}
