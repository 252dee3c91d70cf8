// A supervisor listens to, whispers to or barges into an agent's call (ChanSpy, app_chanspy):
// Asterisk rings the supervisor's own phone (AMI Originate with a channel id Hotline chooses)
// and, once it answers, runs ChanSpy on the agent's channel. The mode is ChanSpy's option:
//   listen  — the supervisor hears both sides, nobody hears the supervisor;
//   whisper — `w`: the supervisor's audio goes to the agent's channel only;
//   barge   — `B`: to both the agent and the caller.
// `q` no beep or name announcement, `E` ends the spy when the agent's call ends, `S` when there
// is no channel to spy on. The agent's channel is named by its device prefix (`PJSIP/<endpoint>-`)
// so another endpoint whose name starts the same is never picked.
import type { AmiClient } from './ami/client.js';
import type { AriHttp } from './ari/http.js';
import { AriHttpError } from './ari/http.js';
import { fieldOf } from './ami/parser.js';
import { FencedError, type MonitorControl, type MonitorMode } from './ports.js';

export const SPY_OPTIONS: Record<MonitorMode, string> = { listen: 'qES', whisper: 'qESw', barge: 'qESB' };

/** ChanSpy's argument for a device (`PJSIP/agent-1`) and a mode. */
export function chanSpyData(targetDevice: string, mode: MonitorMode): string {
  if (!/^[A-Za-z]+\/[A-Za-z0-9_-]+$/.test(targetDevice)) throw new TypeError(`not a device: ${targetDevice}`);
  return `${targetDevice}-,${SPY_OPTIONS[mode]}`;
}

export class AmiMonitorControl implements MonitorControl {
  constructor(
    private readonly ami: AmiClient,
    private readonly ari: AriHttp,
    private readonly mayAct: () => boolean,
  ) {}

  async spy(p: { channelId: string; supervisorDevice: string; targetDevice: string; mode: MonitorMode; label: string; ringSeconds: number }): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await this.ami.action('Originate', {
      Channel: p.supervisorDevice,
      ChannelId: p.channelId,
      Application: 'ChanSpy',
      Data: chanSpyData(p.targetDevice, p.mode),
      CallerID: `"${p.label.replace(/["\\<>]/g, '')}" <monitor>`,
      Timeout: String(p.ringSeconds * 1000),
      Async: 'true',
    });
  }

  async stop(channelId: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    try {
      await this.ari.request('DELETE', `/channels/${encodeURIComponent(channelId)}`, { reason: 'normal' });
    } catch (err) {
      if (!(err instanceof AriHttpError && err.isNotFound)) throw err;
    }
  }

  async alive(channelId: string): Promise<boolean> {
    try {
      await this.ari.request('GET', `/channels/${encodeURIComponent(channelId)}`);
      return true;
    } catch (err) {
      if (err instanceof AriHttpError && err.isNotFound) return false;
      throw err;
    }
  }

  async activeChannels(device: string): Promise<Array<{ name: string; uniqueid: string }>> {
    const r = await this.ami.actionList('CoreShowChannels', {}, { timeoutMs: 10_000 });
    return r.events
      .filter((e) => fieldOf(e, 'Event') === 'CoreShowChannel')
      .map((e) => ({ name: fieldOf(e, 'Channel') ?? '', uniqueid: fieldOf(e, 'Uniqueid') ?? '' }))
      .filter((c) => c.name.startsWith(`${device}-`));
  }
}
