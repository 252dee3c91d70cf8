import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { ExcelJS } from '../../app/io/exceljs.js';
import { writeReportXlsx } from '../../app/reports/reports.export.js';
import { definitionStatements, DEFAULT_DEFINITIONS } from '../../app/reports/definitions.js';

async function xlsx(kind: Parameters<typeof writeReportXlsx>[1], report: Parameters<typeof writeReportXlsx>[2], locale: 'zh-CN' | 'en') {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeReportXlsx(out, kind, report, locale);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as never);
  return wb;
}

describe('report .xlsx export', () => {
  const definitions = { statements: definitionStatements({ ...DEFAULT_DEFINITIONS }, 'zh-CN') };

  it('writes the abandoned list one row per call (its total is a count, not a totals row), with the callback', async () => {
    const items = [
      { at: '2026-12-03T01:00:00.000Z', queue: 'sales', callerNumber: '13800138000', waitSeconds: 3, regionLabel: '北京市', callback: null },
      { at: '2026-12-03T01:05:00.000Z', queue: 'sales', callerNumber: '13912345678', waitSeconds: 40, joinPosition: 3, abandonPosition: 1, regionLabel: '江苏省常州市', callback: { status: 'completed', endedAt: '2026-12-03T02:00:00.000Z', agentName: '王芳' } },
    ];
    const wb = await xlsx('abandoned', { items, total: 2, definitions } as never, 'zh-CN');
    const ws = wb.worksheets[0]!;
    expect(ws.name).to.equal('呼损列表');
    expect(ws.actualRowCount).to.equal(3);
    expect((ws.getRow(1).values as unknown[]).slice(1)).to.deep.equal(['时间', '队列', '号码', '等待 (秒)', '进线排位', '放弃时排位', '地区', '回拨状态', '回拨时间', '回拨客服']);
    expect((ws.getRow(3).values as unknown[]).slice(1)).to.deep.equal(['2026-12-03T01:05:00.000Z', 'sales', '13912345678', 40, 3, 1, '江苏省常州市', 'completed', '2026-12-03T02:00:00.000Z', '王芳']);
    expect(wb.worksheets[1]!.name).to.equal('口径说明');
    expect(wb.worksheets[1]!.actualRowCount).to.equal(1 + definitions.statements.length);
  });

  it('writes a totals row after the queues', async () => {
    const wb = await xlsx('queues', { items: [{ queue: 'a', offered: 3, serviceLevel: 0.5 }], total: { offered: 3, serviceLevel: 0.5 }, definitions } as never, 'en');
    const ws = wb.worksheets[0]!;
    expect(ws.actualRowCount).to.equal(3);
    expect((ws.getRow(3).values as unknown[])[1]).to.equal('Total');
  });

  it('writes the queue comparison\'s totals by skill group under the total, labelled, in the figures\' columns (both languages)', async () => {
    const items = [{ queue: 'sales', skillGroup: 'presales', serviceLevelSeconds: 20, offered: 3 }, { queue: 'support', skillGroup: 'service', serviceLevelSeconds: 20, offered: 5 }, { queue: 'vip', skillGroup: 'service', serviceLevelSeconds: 10, offered: 2 }];
    const skillGroups = [{ skillGroup: 'presales', queues: ['sales'], offered: 3, answered: 2, serviceLevel: 0.5 }, { skillGroup: 'service', queues: ['support', 'vip'], offered: 6, answered: 4, serviceLevel: 0.25 }];
    for (const [locale, title, label, queues] of [['en', 'Totals by skill group (each call once)', 'Skill group total', 'support, vip'], ['zh-CN', '按技能组合计（每通一次）', '技能组合计', 'support、vip']] as const) {
      const wb = await xlsx('queues', { items, skillGroups, total: { offered: 9 }, definitions } as never, locale);
      const ws = wb.worksheets[0]!;
      const rows: unknown[][] = [];
      ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      const header = rows[0]!;
      const at = rows.findIndex((r) => r[0] === title);
      expect(at, JSON.stringify(rows)).to.equal(5); // header, 3 queues, total, then the section
      const sectionHeader = rows[at]!;
      // The figures sit in the same columns as in the queue table.
      for (const fig of [locale === 'en' ? 'Offered' : '进线', locale === 'en' ? 'Service level' : '服务水平']) expect(sectionHeader.indexOf(fig), fig).to.equal(header.indexOf(fig));
      expect(sectionHeader.slice(1, 3)).to.deep.equal(locale === 'en' ? ['Skill group', 'Queues'] : ['技能组', '队列']);
      const service = rows[at + 2]!;
      expect(service.slice(0, 3)).to.deep.equal([label, 'service', queues]);
      expect([service[header.indexOf(locale === 'en' ? 'Offered' : '进线')], service[header.indexOf(locale === 'en' ? 'Answered' : '接通')], service[header.indexOf(locale === 'en' ? 'Service level' : '服务水平')]]).to.deep.equal([6, 4, 0.25]);
      expect(rows).to.have.length(at + 3);
    }
    // No skill group: no section.
    const plain = await xlsx('queues', { items: [items[0]], skillGroups: [], total: { offered: 3 }, definitions } as never, 'en');
    expect(plain.worksheets[0]!.actualRowCount).to.equal(3);
  });

  it('writes the call summary with the outbound columns beside the inbound ones, totals included', async () => {
    const row = { period: '2026-12-03', offered: 10, answered: 9, outboundCalls: 4, outboundConnected: 3, outboundConnectRate: 0.75, outboundTalkSeconds: 300, outboundAvgTalkSeconds: 100 };
    const wb = await xlsx('summary', { items: [row], total: row, definitions } as never, 'en');
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(-5)).to.deep.equal(['Outbound calls', 'Outbound connected', 'Outbound connect rate', 'Outbound talk (s)', 'Avg outbound talk (s)']);
    expect((ws.getRow(2).values as unknown[]).slice(-5)).to.deep.equal([4, 3, 0.75, 300, 100]);
    expect((ws.getRow(3).values as unknown[]).slice(-5)).to.deep.equal([4, 3, 0.75, 300, 100]);
    expect(definitions.statements.map((s) => s.key)).to.include.members(['outbound', 'outbound_connected', 'outbound_talk', 'fcr_tickets']);
  });
});
