// Customer import and the .xlsx exports (docs/api/io.md): the admin console's Import / export tab.
import { api, download, upload } from './client';
import type { JobView } from '@server/io/jobs';
import type { CallFilter } from './call-filter';
import type { CustomerSearchFilter } from './customers';

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type ImportJob = Json<JobView>;
export type ImportMode = 'dry-run' | 'all-or-nothing' | 'skip-bad-rows';
/** A job has ended in one of these (nothing more will change). */
export const ENDED: ReadonlySet<string> = new Set(['succeeded', 'rejected', 'failed', 'cancelled']);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The Content-Type a spreadsheet file is sent with (as the raw body): CSV or .xlsx by its name. */
export const spreadsheetType = (name: string): string => (fileFormat(name) === 'csv' ? 'text/csv' : XLSX);
/** The file's kind from its name: .csv is text, anything else is sent as .xlsx (the server checks the bytes). */
export const fileFormat = (name: string): 'csv' | 'xlsx' => (/\.csv$/i.test(name) ? 'csv' : 'xlsx');
const stamp = () => new Date().toISOString().slice(0, 10);

export const ioApi = {
  startImport: (file: File, mode: ImportMode) => {
    const format = fileFormat(file.name);
    return upload<ImportJob>('/api/io/imports/customers', file, spreadsheetType(file.name), { mode, format, fileName: file.name });
  },
  job: (id: string) => api.get<ImportJob>(`/api/io/imports/${id}`),
  cancel: (id: string) => api.post<ImportJob>(`/api/io/imports/${id}/cancel`),
  report: (id: string) => download(`/api/io/imports/${id}/report`, {}, `import-report-${stamp()}.xlsx`),
  template: (lang: 'zh' | 'en') => download('/api/io/templates/customers.xlsx', { lang }, lang === 'zh' ? '客户导入模板.xlsx' : 'customers-template.xlsx'),
  /** The Data tab's name and digits (`phone`: digits the number contains), or the Customers page's search as it stands. */
  exportCustomers: (f: Omit<CustomerSearchFilter, 'phone'> & { phone?: string }, lang: 'zh' | 'en') => download('/api/io/exports/customers.xlsx', { ...clean(f), lang }, `customers-${stamp()}.xlsx`),
  /** The Data tab's caller and days, or the Calls page's whole search (GET /api/calls's filters). */
  exportCalls: (f: Omit<CallFilter, 'limit' | 'offset'>, lang: 'zh' | 'en') => download('/api/io/exports/calls.xlsx', { ...clean(f), lang }, `calls-${stamp()}.xlsx`),
};

function clean(f: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter((e): e is [string, string] => !!e[1]?.trim()).map(([k, v]) => [k, v.trim()]));
}
