// Analysing a recording before it is marked stored (so the analysis is part of the storing
// claim: a node that dies mid-way leaves the recording `storing`, and the next active node
// redoes the move and the analysis from the spool). The automatic signals (signals.ts) from the
// caller's and the agent's leg, the queue's thresholds turned into flags, and the admin's
// keywords spotted per leg (keyword-spotter.ts) raising the `keyword` flag.
import type { RecordingSettings } from '../acd/acd.schemas.js';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import type { KeywordHit, RecordingKeyword } from './keyword.entities.js';
import { spotKeywords, type SpotPhrase, type Spotted } from './keyword-spotter.js';
import type { Recording } from './recording.entities.js';
import type { StoredRecording } from './recording.store.js';
import { analyse, flagsOf } from './signals.js';
import type { Pcm } from './wav.js';

export const flagsColumn = (flags: string[]): string => (flags.length ? `,${[...new Set(flags)].join(',')},` : '');

export interface Analysis {
  /** Columns of the recording's row. */
  columns: Pick<Recording, 'signals' | 'flags' | 'keywords'>;
  flags: string[];
  keywords: KeywordHit[];
}

export type Spotter = (pcm: Pcm, phrases: SpotPhrase[]) => Promise<Spotted[]>;

export class RecordingSignals {
  constructor(
    private readonly settingsOf: (queue: string) => Promise<RecordingSettings | null>,
    private readonly keywordsOf: (queue: string) => Promise<RecordingKeyword[]>,
    private readonly log: Logger,
    private readonly spot: Spotter = spotKeywords,
  ) {}

  async analyse(rec: Recording, stored: StoredRecording): Promise<Analysis> {
    const s = analyse(stored.pcm.caller, stored.pcm.agent);
    const settings = await this.settingsOf(rec.queue);
    const flags = [...rec.flags.split(',').filter(Boolean), ...flagsOf(s, settings?.flags ?? {})];
    const hits = await this.spotAll(rec, stored);
    if (hits?.length) flags.push('keyword');
    return { columns: { signals: JSON.stringify(s), flags: flagsColumn(flags), keywords: hits ? JSON.stringify(hits) : null }, flags: [...new Set(flags)], keywords: hits ?? [] };
  }

  /** The queue's keywords found on their legs; null when the recogniser failed (logged). */
  private async spotAll(rec: Recording, stored: StoredRecording): Promise<KeywordHit[] | null> {
    const keywords = await this.keywordsOf(rec.queue);
    if (!keywords.length) return [];
    const hits: KeywordHit[] = [];
    try {
      for (const leg of ['agent', 'caller'] as const) {
        const mine = keywords.filter((k) => k.leg === leg || k.leg === 'both');
        if (!mine.length) continue;
        // one phrase may be configured twice (a queue's and everyone's): spotted once, at the lower threshold
        const phrases = new Map<string, SpotPhrase & { id: string }>();
        for (const k of mine) {
          const t = Number(k.threshold);
          const had = phrases.get(k.phrase);
          if (!had || t < had.threshold) phrases.set(k.phrase, { phrase: k.phrase, threshold: t, id: k.id });
        }
        for (const h of await this.spot(stored.pcm[leg], [...phrases.values()])) {
          hits.push({ keywordId: phrases.get(h.phrase)!.id, phrase: h.phrase, leg, from: h.from, to: h.to, confidence: h.confidence });
        }
      }
    } catch (err) {
      logFailure(this.log, 'spotting keywords in a recording', { level: 'error', context: { recording: rec.id } })(err);
      return null;
    }
    return hits.sort((a, b) => a.from - b.from);
  }
}
