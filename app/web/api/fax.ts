// Faxes (docs/fax.md): the inboxes and the outbox, one fax's PDF and page thumbnails, the work on
// a fax (assign, customer, ticket), resend, and sending a document.
import { api, request, requestBytes } from './client';

export type FaxStatus = 'receiving' | 'filing' | 'received' | 'partial' | 'failed' | 'queued' | 'sending' | 'sent';
export const FAX_STATUSES: FaxStatus[] = ['receiving', 'filing', 'received', 'partial', 'failed', 'queued', 'sending', 'sent'];

export interface Fax {
  id: string;
  direction: 'in' | 'out';
  status: FaxStatus;
  remoteNumber: string;
  localNumber: string;
  queue: string;
  customerId: string | null;
  remoteStationId: string;
  rate: number;
  pages: number;
  durationSeconds: number | null;
  error: string;
  subject: string;
  createdBy: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  assignedTo: string;
  ticketId: string | null;
}

export interface FaxList {
  items: Fax[];
  total: number;
}

export interface SendFax {
  to: string;
  customerId?: string;
  subject?: string;
  cover: boolean;
  coverFrom?: string;
}

/** A Blob as a data: URL (the console's CSP allows data: images, not blob: ones). */
export const dataUrl = (b: Blob) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(b);
  });

export const faxApi = {
  list: (q: { direction: 'in' | 'out'; queue?: string; limit: number; offset: number }) => {
    // `queue=''` is the general inbox: it must reach the server (withQuery drops empty values).
    const qs = new URLSearchParams({ direction: q.direction, limit: String(q.limit), offset: String(q.offset) });
    if (q.queue !== undefined) qs.set('queue', q.queue);
    return request<FaxList>('GET', `/api/fax?${qs}`);
  },
  get: (id: string) => api.get<Fax>(`/api/fax/${id}`),
  pdf: (id: string) => requestBytes('GET', `/api/fax/${id}/pdf`),
  thumbnail: async (id: string, page: number) => dataUrl(await requestBytes('GET', `/api/fax/${id}/pages/${page}`)),
  update: (id: string, body: { assignedTo?: string; customerId?: string | null; ticketId?: string | null }) => api.patch<Fax>(`/api/fax/${id}`, body),
  resend: (id: string) => api.post<Fax>(`/api/fax/${id}/resend`),
  send: async (file: File, o: SendFax) => {
    const query = { to: o.to, customerId: o.customerId, subject: o.subject, cover: o.cover ? 'yes' : 'no', coverFrom: o.coverFrom, fileName: file.name.slice(0, 255) };
    // The server tells the document's kind by its bytes; the declared type is only passed along.
    const blob = await requestBytes('POST', '/api/fax/send', { query, body: file });
    return JSON.parse(await blob.text()) as Fax;
  },
};
