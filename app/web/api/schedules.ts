// Scheduled report e-mail (GET/POST/PUT/DELETE /api/reports/schedules, POST …/:id/send).
import { api } from './client';

export type RunState = 'sent' | 'retrying' | 'failed' | 'scheduled' | 'sending' | 'cancelled';

export interface ScheduleView {
  id: string;
  name: string;
  frequency: 'daily' | 'weekly';
  time: string;
  weekday: number | null;
  tz: string;
  reports: string[];
  queues: string[] | null;
  /** The reports' filters: ISO weekdays, local times of day ('HH:MM'), skill groups; null: none. */
  weekdays: number[] | null;
  dayStart: string | null;
  dayEnd: string | null;
  skillGroups: string[] | null;
  locale: 'zh-CN' | 'en';
  recipients: string[];
  enabled: boolean;
  nextRunAt: string | null;
  lastRun: { state: RunState; at: string; attempts: number; error: string | null; node: string | null; nextTryAt: string | null } | null;
  runs: Array<{ key: string; state: RunState; dueAt: string; attempts: number; error: string | null; sentAt: string | null; node: string | null }>;
}

export const schedulesApi = {
  list: () => api.get<{ items: ScheduleView[] }>('/api/reports/schedules'),
  create: (body: unknown) => api.post<ScheduleView>('/api/reports/schedules', body),
  update: (id: string, body: unknown) => api.put<ScheduleView>(`/api/reports/schedules/${id}`, body),
  remove: (id: string) => api.del<void>(`/api/reports/schedules/${id}`),
  sendNow: (id: string) => api.post<{ key: string }>(`/api/reports/schedules/${id}/send`),
};
