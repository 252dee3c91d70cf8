// After a recording is stored: its automatic signals (signals.ts) from the caller's and the
// agent's leg, the queue's thresholds turned into flags, the flags marked on the call's timeline.
import type { DataSource } from 'typeorm';
import type { RecordingSettings } from '../acd/acd.schemas.js';
import { Recording } from './recording.entities.js';
import type { StoredRecording } from './recording.store.js';
import { analyse, flagsOf } from './signals.js';

export const flagsColumn = (flags: string[]): string => (flags.length ? `,${[...new Set(flags)].join(',')},` : '');

export class RecordingSignals {
  constructor(
    private readonly db: DataSource,
    private readonly settingsOf: (queue: string) => Promise<RecordingSettings | null>,
    private readonly timeline: (callId: string, type: string, detail: unknown, at: Date) => void,
  ) {}

  async onStored(rec: Recording, stored: StoredRecording): Promise<void> {
    const s = analyse(stored.pcm.caller, stored.pcm.agent);
    const settings = await this.settingsOf(rec.queue);
    const flags = [...rec.flags.split(',').filter(Boolean), ...flagsOf(s, settings?.flags ?? {})];
    await this.db.getRepository(Recording).update({ id: rec.id }, { signals: JSON.stringify(s), flags: flagsColumn(flags) });
    if (rec.callId && flags.length) this.timeline(rec.callId, 'recording.flagged', { recordingId: rec.id, flags }, new Date());
  }
}
