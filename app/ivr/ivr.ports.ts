// What the IVR needs from outside its module, as small interfaces wired in main.ts.
import type { FlowDefinition } from './ivr.schemas.js';

/** Hotline's prompt library (app/prompts). */
export interface PromptLibrary {
  exists(name: string): Promise<boolean>;
  /** Synthesizes (or reuses) a TTS prompt; returns its library name. */
  synthesize(text: string, language: 'en' | 'zh'): Promise<{ prompt: { name: string } }>;
  /** The media name Asterisk plays for a library prompt (without `sound:`). */
  soundFor(name: string): string;
}

/** The sounds installed in Asterisk (asked over ARI). */
export interface SoundCatalog {
  exists(sound: string): Promise<boolean>;
}

/** A published flow version, as calls run it. */
export interface RunnableFlow {
  flowName: string;
  versionId: string;
  version: number;
  definition: FlowDefinition;
}
