// Listen / whisper / barge from the wallboard. The supervisor's phone is the device of the agent
// record linked to the supervisor's user (a WebRTC phone in the supervisor's browser; it needs no
// queue skills). Asterisk rings it and, once answered, runs ChanSpy on the agent's call in the
// chosen mode (app/pbx/monitor-control.ts). Changing the mode ends the spy channel and rings
// again in the new mode (the page answers it by itself). Nothing is kept in this process: the
// supervisor's spy channels are found in Asterisk by their id prefix.
import { randomUUID } from 'node:crypto';
import type { AcdConfig } from '../acd/acd.config.js';
import type { LiveHub } from '../acd/acd.live.js';
import { deviceInterface } from '../acd/asterisk-config.js';
import { AppError } from '../errors.js';
import { FencedError, type MonitorControl, type MonitorMode } from '../pbx/ports.js';

const SPY_PREFIX = 'hotline-spy-';
const RING_SECONDS = 20;

export class MonitorError extends AppError {
  constructor(code: string, message: string, status = 409) {
    super(status, code, message);
  }
}

export class MonitorService {
  constructor(
    private readonly config: AcdConfig,
    private readonly pbx: MonitorControl,
    private readonly hub: LiveHub,
  ) {}

  private async supervisorDevice(userId: string) {
    const snap = await this.config.snapshot(true);
    const own = snap.agents.find((a) => a.userId === userId);
    if (!own) throw new MonitorError('no_supervisor_phone', 'your user has no phone: an admin links an agent record with a WebRTC or desk phone to your user (it needs no queue skills)');
    return { device: deviceInterface(own.endpoint), agentId: own.id };
  }

  private guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: Error) => {
      throw new AppError(503, 'pbx_unavailable', `Asterisk could not start the monitoring: ${err instanceof FencedError ? 'this node is not the active one' : err.message}`);
    });
  }

  /** Rings the supervisor's phone and spies on the agent's call in `mode`; ends any earlier spy of this supervisor. */
  async start(userId: string, agentId: string, mode: MonitorMode): Promise<{ channelId: string; agentId: string; mode: MonitorMode }> {
    const target = await this.config.agent(agentId);
    const sup = await this.supervisorDevice(userId);
    if (sup.agentId === target.id) throw new MonitorError('monitor_self', 'you cannot monitor your own phone', 400);
    const targetDevice = deviceInterface(target.endpoint);
    const live = await this.guard(this.pbx.activeChannels(targetDevice));
    if (!live.length) throw new MonitorError('agent_not_on_call', `agent ${target.name} has no call to monitor`);
    await this.stopSpies(sup.device);
    const channelId = `${SPY_PREFIX}${randomUUID()}`;
    await this.guard(this.pbx.spy({ channelId, supervisorDevice: sup.device, targetDevice, mode, label: `${modeLabel[mode]} ${target.name}`, ringSeconds: RING_SECONDS }));
    this.hub.publish({ type: 'wallboard.monitor', supervisorUserId: userId, agentId, mode, channelId, status: 'ringing', at: new Date().toISOString() });
    return { channelId, agentId, mode };
  }

  /** Ends the supervisor's monitoring (nothing to end: fine). */
  async stop(userId: string): Promise<{ ended: number }> {
    const sup = await this.supervisorDevice(userId);
    const ended = await this.stopSpies(sup.device);
    this.hub.publish({ type: 'wallboard.monitor', supervisorUserId: userId, agentId: '', mode: '', channelId: '', status: 'ended', at: new Date().toISOString() });
    return { ended };
  }

  private async stopSpies(device: string): Promise<number> {
    const chans = await this.guard(this.pbx.activeChannels(device));
    const spies = chans.filter((c) => c.uniqueid.startsWith(SPY_PREFIX));
    for (const c of spies) await this.guard(this.pbx.stop(c.uniqueid));
    return spies.length;
  }
}

/** The caller-id name the supervisor's phone shows while it rings. */
const modeLabel: Record<MonitorMode, string> = { listen: 'Listen', whisper: 'Whisper', barge: 'Barge' };
