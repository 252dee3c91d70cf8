// Hearing a voicemail message in the page (the desk's box and the voicemail page): the audio route
// wants the bearer token, which an <audio src> cannot send, so the WAV is fetched with it and played
// from a blob URL (released when another message plays, the player closes or the page goes). The
// server marks the message heard by me (if it was new) and audits the hearing.
import { onBeforeUnmount, reactive } from 'vue';
import { ApiError } from '../../api/client';
import { voicemailApi } from '../../api/voicemail';
import { errorText } from '../notify';

export function useVoicemailAudio() {
  const playing = reactive({ id: '', url: '' });
  function stop() {
    if (playing.url) URL.revokeObjectURL(playing.url);
    playing.id = '';
    playing.url = '';
  }
  onBeforeUnmount(stop);
  /** Fetches message `id`'s audio and makes it the one playing; throws the API's refusal. */
  async function play(id: string): Promise<void> {
    stop();
    const wav = await voicemailApi.audio(id);
    playing.url = URL.createObjectURL(wav);
    playing.id = id;
  }
  return { playing, play, stop };
}

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

/**
 * A refusal of the voicemail API in the page's language: its own codes (no audio, gone, not ready,
 * done already, changed meanwhile) worded under voicemail.errors.*, a refused filter naming the
 * filters in the page's words; anything else as every page shows it.
 */
export function voicemailErrorText(t: Translate, te: Has, err: unknown): string {
  if (!(err instanceof ApiError)) return errorText(err);
  if (te(`voicemail.errors.${err.code}`)) return t(`voicemail.errors.${err.code}`);
  if (err.status === 400 && err.code === 'validation_failed' && Array.isArray(err.details)) {
    const fields = [...new Set((err.details as Array<{ field?: string }>).map((d) => String(d.field ?? '').split('.')[0] || 'query'))];
    return t('voicemail.page.badFilter', { fields: fields.map((f) => (te(`voicemail.page.fields.${f}`) ? t(`voicemail.page.fields.${f}`) : f)).join(t('voicemail.page.fieldSep')) });
  }
  return errorText(err);
}
