// Exports to .xlsx, streamed: customers and call records with the filters of their list
// endpoints (customer-filters.ts, call-filters.ts), page by page (keyset) into the streaming
// writer, waiting for the output to drain between pages, so memory stays flat however many
// rows there are.
import type { Writable } from 'node:stream';
import type { CustomerPageQuery } from '../crm/crm.bulk.js';
import type { CrmService } from '../crm/crm.service.js';
import type { CustomerFilters } from '../crm/customer-filters.js';
import type { CallCursor, CallExportFilter, CallRecordPager } from '../calls/calls.pager.js';
import { DATE_FORMAT, SheetWriter, type SheetColumn } from './xlsx-writer.js';

export type Lang = 'zh' | 'en';

export class ExportAbortedError extends Error {
  constructor() {
    super('the client went away during the export');
  }
}

const col = (lang: Lang, zh: string, en: string, extra: Omit<SheetColumn, 'header'> = {}): SheetColumn => ({ header: lang === 'zh' ? zh : en, ...extra });
const date = { numFmt: DATE_FORMAT, width: 20 };

export function customerColumns(lang: Lang): SheetColumn[] {
  return [
    col(lang, 'ID', 'ID', { width: 38 }),
    col(lang, '姓名', 'Name', { width: 20 }),
    col(lang, '电话', 'Phone', { width: 32 }),
    col(lang, '公司', 'Company', { width: 28 }),
    col(lang, 'VIP等级', 'VIP level', { width: 10 }),
    col(lang, '创建时间 (UTC)', 'Created (UTC)', date),
    col(lang, '更新时间 (UTC)', 'Updated (UTC)', date),
    // Added later, so at the end: earlier columns keep their places. Headers the import reads back.
    col(lang, '地区', 'Region', { width: 16 }),
    col(lang, '标签', 'Tags', { width: 24 }),
    col(lang, '邮箱', 'Emails', { width: 32 }),
    col(lang, '地址', 'Address', { width: 40 }),
  ];
}

export async function exportCustomers(crm: CrmService, out: Writable, filter: CustomerFilters, lang: Lang, pageSize: number): Promise<number> {
  const w = new SheetWriter(out, lang === 'zh' ? '客户' : 'Customers', customerColumns(lang));
  let after: CustomerPageQuery['after'] = null;
  do {
    const page = await crm.page({ ...filter, after, limit: pageSize });
    if (w.closed) throw new ExportAbortedError();
    for (const c of page.items) {
      w.add([c.id, c.name, c.phones.join(', '), c.company, c.vipLevel, c.createdAt, c.updatedAt, c.region, c.tags.join(', '), c.emails.join(', '), c.address]);
    }
    await w.drain();
    after = page.next;
  } while (after);
  await w.finish();
  return w.rows;
}

export function callColumns(lang: Lang): SheetColumn[] {
  return [
    col(lang, '开始时间 (UTC)', 'Started (UTC)', date),
    col(lang, '主叫号码', 'Caller', { width: 18 }),
    col(lang, '主叫姓名', 'Caller name', { width: 18 }),
    col(lang, '被叫号码', 'Called', { width: 14 }),
    col(lang, '流程', 'Flow', { width: 14 }),
    col(lang, '接听时间 (UTC)', 'Answered (UTC)', date),
    col(lang, '结束时间 (UTC)', 'Ended (UTC)', date),
    col(lang, '时长(秒)', 'Duration (s)', { numFmt: '0.0', width: 12 }),
    col(lang, '结果', 'Outcome', { width: 14 }),
    col(lang, '挂机原因', 'Hangup cause', { width: 16 }),
    col(lang, '按键', 'Digits', { width: 12 }),
    col(lang, '处理节点', 'Handled by', { width: 12 }),
    col(lang, '队列', 'Queue', { width: 14 }),
    col(lang, '坐席', 'Agent', { width: 16 }),
    col(lang, '排队(秒)', 'Wait (s)', { width: 10 }),
    col(lang, '通话(秒)', 'Talk (s)', { width: 10 }),
    col(lang, '处理结果代码', 'Disposition code', { width: 14 }),
    col(lang, 'ID', 'ID', { width: 38 }),
  ];
}

export async function exportCalls(calls: CallRecordPager, out: Writable, filter: CallExportFilter, lang: Lang, pageSize: number): Promise<number> {
  const w = new SheetWriter(out, lang === 'zh' ? '通话记录' : 'Calls', callColumns(lang));
  let after: CallCursor | null = null;
  do {
    const page = await calls.page(filter, after, pageSize);
    if (w.closed) throw new ExportAbortedError();
    for (const r of page.items) {
      const seconds = r.durationMs === null ? null : r.durationMs / 1000;
      w.add([r.startedAt, r.callerNumber, r.callerName, r.calledNumber, r.flow, r.answeredAt, r.endedAt, seconds, r.outcome, r.hangupCause, r.digits, r.handledBy,
        r.queue, r.agentName ?? r.agentInterface, r.holdSeconds, r.talkSeconds, r.disposition, r.id]);
    }
    await w.drain();
    after = page.next;
  } while (after);
  await w.finish();
  return w.rows;
}
