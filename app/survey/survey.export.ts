// The survey responses as .xlsx (the reports' sheet writer): one row per surveyed call with the
// answer, in the reader's language, and the figures' definitions on a second sheet.
import type { Writable } from 'node:stream';
import { writeSheetXlsx, type Col } from '../reports/reports.export.js';
import { SURVEY_DEFINITIONS } from '../reports/survey-definitions.js';
import type { ResponseListQuery } from './survey.schemas.js';
import type { SurveyService } from './survey.service.js';

const COLS: Col[] = [
  { key: 'startedAt', zh: '时间', en: 'Time' },
  { key: 'callerNumber', zh: '来电号码', en: 'Caller' },
  { key: 'queue', zh: '队列', en: 'Queue' },
  { key: 'agentName', zh: '坐席', en: 'Agent' },
  { key: 'survey', zh: '调查', en: 'Survey' },
  { key: 'status', zh: '结果', en: 'Result' },
  { key: 'key', zh: '按键', en: 'Key' },
  { key: 'label', zh: '评价', en: 'Answer' },
  { key: 'score', zh: '分数', en: 'Score' },
  { key: 'satisfied', zh: '满意', en: 'Satisfied' },
  { key: 'callId', zh: '通话 ID', en: 'Call id' },
];

const STATUS: Record<string, [string, string]> = {
  asking: ['进行中', 'being asked'],
  answered: ['已评价', 'answered'],
  no_answer: ['未按键', 'no answer'],
  caller_hangup: ['评价中挂机', 'hung up during the survey'],
  failed: ['未能调查', 'failed'],
};

/** Writes every response the filters select (read 500 at a time, at most 100,000 rows). */
export async function writeResponsesXlsx(out: Writable, surveys: SurveyService, q: Omit<ResponseListQuery, 'limit' | 'offset'>, locale: 'zh-CN' | 'en'): Promise<number> {
  const zh = locale === 'zh-CN';
  const rows: Array<Record<string, unknown>> = [];
  for (let offset = 0; offset < 100_000; offset += 500) {
    const page = await surveys.responses({ ...q, limit: 500, offset });
    for (const r of page.items) {
      rows.push({
        ...r,
        status: STATUS[r.status]?.[zh ? 0 : 1] ?? r.status,
        satisfied: r.satisfied === null ? '' : r.satisfied ? (zh ? '是' : 'yes') : zh ? '否' : 'no',
      });
    }
    if (page.items.length < 500) break;
  }
  const statements = SURVEY_DEFINITIONS[locale].map((text) => ({ name: text.split(/[:：=]/)[0]!.trim(), text }));
  return writeSheetXlsx(out, zh ? '满意度调查' : 'Satisfaction survey', COLS, rows, undefined, statements, locale);
}
