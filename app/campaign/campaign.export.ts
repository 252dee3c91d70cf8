// A campaign's contacts as .xlsx (the reports' sheet writer): status, result, note, attempts,
// the last agent and call, and the list's own columns, headers in the reader's language.
import type { Writable } from 'node:stream';
import { writeSheetXlsx, type Col } from '../reports/reports.export.js';
import { CampaignAttempt } from './campaign.entities.js';
import type { CampaignService } from './campaign.service.js';

const COLS: Col[] = [
  { key: 'phone', zh: '电话', en: 'Phone' },
  { key: 'name', zh: '姓名', en: 'Name' },
  { key: 'status', zh: '状态', en: 'Status' },
  { key: 'result', zh: '结果', en: 'Result' },
  { key: 'note', zh: '备注', en: 'Note' },
  { key: 'attempts', zh: '呼叫次数', en: 'Attempts' },
  { key: 'lastAgent', zh: '最后坐席', en: 'Last agent' },
  { key: 'lastCall', zh: '最后呼叫', en: 'Last call' },
];

const STATUS: Record<string, [string, string]> = {
  pending: ['待呼叫', 'pending'],
  reserved: ['处理中', 'reserved'],
  done: ['已完成', 'done'],
  unreached: ['未接通', 'unreached'],
  blocked: ['黑名单', 'blocked'],
  cancelled: ['已取消', 'cancelled'],
};
const SYSTEM_ZH: Record<string, string> = { no_answer: '无人接听', busy: '忙线', failed: '呼叫失败', callback: '预约回拨', no_result: '未填结果' };

/** Writes every contact of the campaign (read 500 at a time); the number of rows. */
export async function writeContactsXlsx(out: Writable, campaigns: CampaignService, name: string, locale: 'zh-CN' | 'en'): Promise<number> {
  const zh = locale === 'zh-CN';
  const v = await campaigns.get(name);
  const rows: Array<Record<string, unknown>> = [];
  const extra: string[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await campaigns.contacts(name, { limit: 500, offset });
    const last = new Map<string, CampaignAttempt>();
    const ids = page.items.map((c) => c.id);
    if (ids.length) {
      const attempts = await campaigns.db.manager.createQueryBuilder(CampaignAttempt, 'a').where('a.contact_id IN (:...ids)', { ids }).orderBy('a.requested_at', 'ASC').getMany();
      for (const a of attempts) last.set(a.contactId, a);
    }
    for (const c of page.items) {
      for (const k of Object.keys(c.fields)) if (!extra.includes(k)) extra.push(k);
      const a = last.get(c.id);
      rows.push({
        ...Object.fromEntries(Object.entries(c.fields).map(([k, val]) => [`f:${k}`, val])),
        phone: c.phone,
        name: c.name,
        status: STATUS[c.status]?.[zh ? 0 : 1] ?? c.status,
        result: c.result ? (zh && SYSTEM_ZH[c.result]) || c.resultLabel : '',
        note: c.note,
        attempts: c.attempts,
        lastAgent: a?.agentName ?? '',
        lastCall: a ? (a.placedAt ?? a.requestedAt) : null,
      });
    }
    if (page.items.length < 500) break;
  }
  const cols = [...COLS, ...extra.map((k) => ({ key: `f:${k}`, zh: k, en: k }))];
  return writeSheetXlsx(out, v.title.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ') || v.name, cols, rows, undefined, [], locale);
}
