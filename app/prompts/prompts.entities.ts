// The prompt library: one row per prompt, its audio stored next to it on disk as an
// 8 kHz mono 16-bit PCM wav that Asterisk plays. Explicit column types everywhere so the
// same entity maps to MariaDB/MySQL and to the embedded SQLite default.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type PromptLanguage = 'en' | 'zh';
export type PromptSource = 'upload' | 'tts';

@Entity({ name: 'prompts' })
export class Prompt {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_prompts_name', { unique: true })
  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'language', type: 'varchar', length: 8 })
  language!: PromptLanguage;

  @Column({ name: 'source', type: 'varchar', length: 16 })
  source!: PromptSource;

  /** The text a TTS prompt was synthesized from; null for uploads. */
  @Column({ name: 'text', type: 'text', nullable: true })
  text!: string | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  /** SHA-256 (hex) of the stored wav file. */
  @Column({ name: 'sha256', type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const promptEntities = [Prompt];
