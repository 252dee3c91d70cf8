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
