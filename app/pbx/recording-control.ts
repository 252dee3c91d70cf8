// Call recording over AMI (app_mixmonitor): MixMonitor on the caller's channel writes the mixed
// file and, with r()/t(), one file per direction — what the caller's channel receives (the
// customer) and what it hears (the agent); verified in PBX-LAB.md. MixMonitorMute writes silence
// while muted, so a paused span keeps its place on the file's timeline. The post-process command
// touches a marker once every file is closed: the finalizer moves the files only then.
import type { AmiClient } from './ami/client.js';
import { AmiError } from './ami/types.js';
import { assertSafeRecordingPath, ChannelGoneError, FencedError, type RecordingControl, type RecordingFiles } from './ports.js';

/** MixMonitor's Options for the per-leg files (b: only while bridged). */
export function mixMonitorOptions(f: RecordingFiles): string {
  for (const p of [f.mixed, f.received, f.transmitted, f.doneMarker]) assertSafeRecordingPath(p);
  return `br(${f.received})t(${f.transmitted})`;
}

export class AmiRecordingControl implements RecordingControl {
  constructor(
    private readonly ami: AmiClient,
    private readonly mayAct: () => boolean,
  ) {}

  async start(channel: string, files: RecordingFiles): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    const options = mixMonitorOptions(files);
    await this.run('MixMonitor', channel, { Channel: channel, File: files.mixed, Options: options, Command: `touch ${files.doneMarker}` });
  }

  async mute(channel: string, muted: boolean): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await this.run('MixMonitorMute', channel, { Channel: channel, Direction: 'both', State: muted ? '1' : '0' });
  }

  async stop(channel: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await this.run('StopMixMonitor', channel, { Channel: channel });
  }

  private async run(action: string, channel: string, fields: Record<string, string>): Promise<void> {
    try {
      await this.ami.action(action, fields);
    } catch (err) {
      // "No such channel" (the caller hung up meanwhile) is the normal end of a call, not a failure.
      if (err instanceof AmiError && /no such channel|not found|does not exist/i.test(err.message)) throw new ChannelGoneError(channel);
      throw err;
    }
  }
}
