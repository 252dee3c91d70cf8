// The voicemail inbox (docs/api/voicemail.md): messages callers left, their audio, and the work
// done on them (Done with a note, Reopen).
import { api, requestBytes } from './client';

export type VoicemailStatus = 'recording' | 'new' | 'heard' | 'done' | 'empty';

/** A message as the API answers it (times as ISO text). */
export interface Voicemail {
  id: string;
  callId: string;
  mailbox: string;
  callerNumber: string;
  calledNumber: string;
  customerId: string | null;
  customerName: string | null;
  status: VoicemailStatus;
  seconds: number | null;
  createdAt: string;
  heardAt: string | null;
  heardBy: string | null;
  doneAt: string | null;
  doneBy: string | null;
  note: string | null;
}

const at = (id: string) => `/api/voicemails/${encodeURIComponent(id)}`;

/** GET /api/voicemails's filters (the server judges them: a bad one is 400 validation_failed). */
export interface VoicemailQuery {
  status?: string;
  mailbox?: string;
  from?: string;
  to?: string;
  limit: number;
  offset?: number;
}

export interface VoicemailSummary {
  /** Mailboxes with messages waiting (new), by name, with when the oldest of them was left. */
  mailboxes: Array<{ mailbox: string; new: number; oldestNewAt: string }>;
  new: number;
  oldestNewAt: string | null;
}

export const voicemailApi = {
  list: (q: VoicemailQuery) => api.get<{ items: Voicemail[]; total: number; limit: number; offset: number }>('/api/voicemails', { ...q }),
  summary: () => api.get<VoicemailSummary>('/api/voicemails/summary'),
  /** The WAV (the message becomes heard by me when it was new). */
  audio: (id: string) => requestBytes('GET', `${at(id)}/audio`),
  done: (id: string, note: string) => api.post<Voicemail>(`${at(id)}/done`, note.trim() ? { note: note.trim() } : {}),
  reopen: (id: string) => api.post<Voicemail>(`${at(id)}/reopen`),
};
