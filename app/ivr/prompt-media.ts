// What a prompt reference plays, as media URIs for Asterisk: an Asterisk sound, a prompt of the
// library, or text synthesized (or reused when spoken before) in the language given. The IVR's
// flows and the satisfaction surveys play their prompts through it.
import type { PromptLibrary } from './ivr.ports.js';
import type { PromptRef } from './ivr.schemas.js';

export async function promptMedia(prompts: Pick<PromptLibrary, 'soundFor' | 'synthesize'>, ref: PromptRef, language: 'en' | 'zh'): Promise<string[]> {
  if ('sound' in ref) return [`sound:${ref.sound}`];
  if ('prompt' in ref) return [`sound:${prompts.soundFor(ref.prompt)}`];
  const { prompt } = await prompts.synthesize(ref.text, language);
  return [`sound:${prompts.soundFor(prompt.name)}`];
}
