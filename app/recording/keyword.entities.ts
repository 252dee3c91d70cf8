// Keywords the recordings are searched for (pocketsphinx keyword spotting): an English phrase,
// the queue it applies to (null: every queue) and the leg it is listened for on.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type KeywordLeg = 'agent' | 'caller' | 'both';

@Entity({ name: 'recording_keywords' })
export class RecordingKeyword {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Lower-case words of the recogniser's dictionary, single spaces. */
  @Column({ name: 'phrase', type: 'varchar', length: 100 })
  phrase!: string;

  /** The queue whose recordings are searched; null: all queues. */
  @Index('idx_recording_keywords_queue')
  @Column({ name: 'queue', type: 'varchar', length: 64, nullable: true })
  queue!: string | null;

  @Column({ name: 'leg', type: 'varchar', length: 8 })
  leg!: KeywordLeg;

  /** pocketsphinx's detection threshold (e.g. 1e-30; larger: fewer, surer hits), as text. */
  @Column({ name: 'threshold', type: 'varchar', length: 16 })
  threshold!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** A keyword found in a recording (the recording's `keywords` column holds a list of them). */
export interface KeywordHit {
  keywordId: string;
  phrase: string;
  leg: 'agent' | 'caller';
  /** Seconds from the start of the recording. */
  from: number;
  to: number;
  confidence: number;
}
