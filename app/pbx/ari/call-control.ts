// CallControl over ARI, and the translation of ARI events into PbxCallEvents.
import type { AriClient } from './client.js';
import { AriHttpError } from './http.js';
import type { AriChannel, AriEvent } from './types.js';
import { ChannelGoneError, FencedError, type CallControl, type CallInfo, type DialplanTarget, type PbxCallEvent, type SoundCatalog } from '../ports.js';

export class AriCallControl implements CallControl {
  /** False on a standby or fenced node: no command may reach Asterisk. */
  active = false;

  constructor(private readonly ari: AriClient) {}

  private async channelCommand(channelId: string, method: string, path: string, query?: Record<string, string | number>) {
    if (!this.active) throw new FencedError();
    try {
      await this.ari.http.request(method, `/channels/${encodeURIComponent(channelId)}${path}`, query);
    } catch (err) {
      // 404: hung up. 409 mostly: the channel is no longer in Stasis ("gone" for the caller's flow);
      // but also a conflict on a channel still in the app (a recording of that name under way, the
      // channel in a bridge): those are failures to report, not a caller who left.
      if (err instanceof AriHttpError && err.status === 404) throw new ChannelGoneError(channelId);
      if (err instanceof AriHttpError && err.status === 409 && !(await this.stillInApp(channelId))) throw new ChannelGoneError(channelId);
      throw err;
    }
  }

  /** Whether the channel exists and is inside the Stasis app now (asked after a 409). */
  private async stillInApp(channelId: string): Promise<boolean> {
    try {
      const ch = await this.ari.http.request<AriChannel>('GET', `/channels/${encodeURIComponent(channelId)}`);
      return ch.dialplan?.app_name === 'Stasis';
    } catch (err) {
      if (err instanceof AriHttpError && err.isNotFound) return false;
      throw err;
    }
  }

  answer(channelId: string) {
    return this.channelCommand(channelId, 'POST', '/answer');
  }

  play(channelId: string, media: string[], playbackId: string) {
    return this.channelCommand(channelId, 'POST', `/play/${encodeURIComponent(playbackId)}`, { media: media.join(',') });
  }

  record(channelId: string, name: string, maxSeconds: number) {
    return this.channelCommand(channelId, 'POST', '/record', {
      name,
      format: 'wav',
      maxDurationSeconds: maxSeconds,
      maxSilenceSeconds: 5,
      beep: 'true',
      terminateOn: '#',
      ifExists: 'overwrite',
    });
  }

  async recordingUnderWay(channelId: string, name: string): Promise<boolean> {
    if (!this.active) throw new FencedError();
    try {
      const live = await this.ari.http.request<{ state?: string; target_uri?: string }>('GET', `/recordings/live/${encodeURIComponent(name)}`);
      return live.target_uri === `channel:${channelId}` && (live.state === 'recording' || live.state === 'paused' || live.state === 'queued');
    } catch (err) {
      if (err instanceof AriHttpError && err.isNotFound) return false;
      throw err;
    }
  }

  setVariable(channelId: string, name: string, value: string) {
    return this.channelCommand(channelId, 'POST', '/variable', { variable: name, value });
  }

  async stopPlayback(playbackId: string) {
    if (!this.active) throw new FencedError();
    try {
      await this.ari.http.request('DELETE', `/playbacks/${encodeURIComponent(playbackId)}`);
    } catch (err) {
      if (!(err instanceof AriHttpError && err.isNotFound)) throw err;
    }
  }

  hangup(channelId: string) {
    return this.channelCommand(channelId, 'DELETE', '', { reason: 'normal' });
  }

  handBack(channelId: string, target?: DialplanTarget) {
    const query: Record<string, string | number> = {};
    if (target) Object.assign(query, { context: target.context, extension: target.extension, priority: target.priority ?? 1 });
    return this.channelCommand(channelId, 'POST', '/continue', query);
  }

  async channelsNow() {
    if (!this.active) throw new FencedError();
    const app = await this.ari.http.request<{ channel_ids: string[] }>('GET', `/applications/${encodeURIComponent(this.ari.app)}`);
    const all = await this.ari.http.request<Array<{ id: string }>>('GET', '/channels');
    return { all: new Set(all.map((c) => c.id)), inApp: new Set(app.channel_ids) };
  }
}

/** Sounds Asterisk has installed (`GET /sounds/{id}`), cached for a minute. */
export class AriSoundCatalog implements SoundCatalog {
  private readonly cache = new Map<string, { ok: boolean; at: number }>();
  constructor(private readonly ari: AriClient) {}

  async exists(sound: string): Promise<boolean> {
    const hit = this.cache.get(sound);
    if (hit && Date.now() - hit.at < 60_000) return hit.ok;
    try {
      await this.ari.http.request('GET', `/sounds/${encodeURIComponent(sound)}`);
      this.cache.set(sound, { ok: true, at: Date.now() });
      return true;
    } catch (err) {
      if (err instanceof AriHttpError && err.isNotFound) {
        this.cache.set(sound, { ok: false, at: Date.now() });
        return false;
      }
      throw err;
    }
  }
}

export function callInfo(channel: AriChannel): CallInfo {
  return {
    channelId: channel.id,
    callerNumber: channel.caller?.number || 'anonymous',
    callerName: channel.caller?.name || null,
    calledNumber: channel.dialplan?.exten ?? '',
    answered: channel.state === 'Up',
    ...(channel.dialplan?.context ? { context: channel.dialplan.context } : {}),
  };
}

const channelOf = (target: string) => (target.startsWith('channel:') ? target.slice('channel:'.length) : undefined);

/** The ARI events toCallEvent uses (plus ApplicationReplaced): the app's event filter. */
export const CALL_EVENT_TYPES = [
  'StasisStart',
  'StasisEnd',
  'ChannelDtmfReceived',
  'PlaybackFinished',
  'RecordingFinished',
  'RecordingFailed',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'ApplicationReplaced',
];

/** Normalizes one ARI event; undefined for events the domain does not need. */
export function toCallEvent(e: AriEvent): PbxCallEvent | undefined {
  const at = e.timestamp ? new Date(e.timestamp) : new Date();
  switch (e.type) {
    case 'StasisStart': {
      const ev = e as Extract<AriEvent, { type: 'StasisStart' }>;
      return { kind: 'entered', call: callInfo(ev.channel), args: ev.args ?? [], at };
    }
    case 'ChannelDtmfReceived': {
      const ev = e as Extract<AriEvent, { type: 'ChannelDtmfReceived' }>;
      return { kind: 'dtmf', channelId: ev.channel.id, digit: ev.digit, at };
    }
    case 'PlaybackFinished': {
      const ev = e as Extract<AriEvent, { type: 'PlaybackStarted' | 'PlaybackFinished' }>;
      const channelId = channelOf(ev.playback.target_uri);
      if (!channelId) return undefined;
      return { kind: 'playback-finished', channelId, playbackId: ev.playback.id, at };
    }
    case 'RecordingFinished':
    case 'RecordingFailed': {
      const rec = (e as unknown as { recording: { name: string; target_uri: string; duration?: number } }).recording;
      const channelId = channelOf(rec.target_uri);
      if (!channelId) return undefined;
      return { kind: 'recording-finished', channelId, name: rec.name, durationSeconds: rec.duration ?? 0, failed: e.type === 'RecordingFailed', at };
    }
    case 'ChannelHangupRequest': {
      const ev = e as Extract<AriEvent, { type: 'ChannelHangupRequest' }>;
      return { kind: 'hangup', channelId: ev.channel.id, cause: String(ev.cause ?? 16), at };
    }
    case 'ChannelDestroyed': {
      const ev = e as Extract<AriEvent, { type: 'ChannelDestroyed' }>;
      return { kind: 'hangup', channelId: ev.channel.id, cause: ev.cause_txt || String(ev.cause), at };
    }
    case 'StasisEnd': {
      const ev = e as Extract<AriEvent, { type: 'StasisEnd' }>;
      return { kind: 'left', channelId: ev.channel.id, at };
    }
    default:
      return undefined;
  }
}
