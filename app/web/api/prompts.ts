// The prompt library (docs/api/ivr.md, Prompts): the admin console's IVR tab, under the flows.
import { api, requestBytes, upload } from './client';

export { promptName, ttsBody } from '@server/prompts/prompts.schemas';

export interface PromptRow {
  id: string; name: string; language: 'en' | 'zh'; source: string; text: string | null;
  durationMs: number; sizeBytes: number; sound: string; createdAt: string; updatedAt: string;
}
type Saved = PromptRow & { outcome: 'created' | 'replaced' | 'reused' };

export const promptsApi = {
  list: () => api.get<{ items: PromptRow[]; total: number }>('/api/prompts'),
  upload: (name: string, language: 'en' | 'zh', file: File) => upload<Saved>(`/api/prompts/${encodeURIComponent(name)}`, file, 'application/octet-stream', { language }, 'PUT'),
  tts: (name: string, text: string, language: 'en' | 'zh') => api.post<Saved>(name ? `/api/prompts/${encodeURIComponent(name)}/tts` : '/api/prompts/tts', { text, language }),
  /** The prompt's audio as a blob (the page plays it from an object URL). */
  audio: (name: string) => requestBytes('GET', `/api/prompts/${encodeURIComponent(name)}/audio`),
  remove: (name: string) => api.del<void>(`/api/prompts/${encodeURIComponent(name)}`),
};
