// The Reports page's charts (ECharts options) for the tabs that have one: the IVR funnel, the
// summary per period, the service-level heat map and the caller regions; null for the others.
// Moved out of ReportsPage.vue to keep it small; the figures are the API's, as they are shown.
type Translate = (key: string, args?: Record<string, unknown>) => string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

export function reportChart(t: Translate, tab: string, items: Row[], funnelRows: Row[], heatMetric: 'serviceLevel' | 'abandonRate') {
  if (tab === 'ivr') {
    const rows = [...funnelRows].reverse();
    if (!rows.length) return null;
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, left: 'center' },
      grid: { left: 140, right: 16, bottom: 24, top: 40 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: rows.map((r) => r.node) },
      series: [
        { name: t('reports.col.continued'), type: 'bar', stack: 'n', data: rows.map((r) => r.continued) },
        ...(['hungUp', 'handedOff', 'completed', 'failed'] as const).map((k) => ({ name: t(`reports.col.${k}`), type: 'bar', stack: 'n', data: rows.map((r) => r[k]) })),
      ],
    };
  }
  if (tab === 'summary') {
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 40, right: 16, bottom: 30, top: 40 },
      xAxis: { type: 'category', data: items.map((i) => i.period) },
      yAxis: { type: 'value' },
      series: (['answered', 'abandoned', 'overflowed'] as const).map((k) => ({ name: t(`reports.col.${k}`), type: 'bar', stack: 'calls', data: items.map((i) => i[k]) })),
    };
  }
  if (tab === 'heatmap') {
    const metric = heatMetric;
    return {
      animation: false,
      tooltip: { formatter: (p: { value: [number, number, number | null] }) => `${t(`reports.schedules.weekdays.${p.value[1] + 1}`)} ${String(p.value[0]).padStart(2, '0')}:00 — ${t(`reports.col.${metric}`)} ${p.value[2] === null ? '—' : `${p.value[2]}%`}` },
      grid: { left: 80, right: 16, bottom: 60, top: 10 },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), splitArea: { show: true } },
      yAxis: { type: 'category', data: [1, 2, 3, 4, 5, 6, 7].map((d) => t(`reports.schedules.weekdays.${d}`)), splitArea: { show: true } },
      visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: metric === 'serviceLevel' ? ['#d94e5d', '#eac736', '#50a3ba'] : ['#50a3ba', '#eac736', '#d94e5d'] } },
      series: [{ name: t(`reports.col.${metric}`), type: 'heatmap', label: { show: true, fontSize: 10 }, data: items.map((i) => [i.hour, i.weekday - 1, i[metric] === null ? null : Math.round(i[metric] * 1000) / 10]) }],
    };
  }
  if (tab === 'regions') {
    const top = items.slice(0, 15).reverse();
    return {
      animation: false,
      tooltip: {},
      grid: { left: 120, right: 16, bottom: 20, top: 10 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: top.map((i) => i.label) },
      series: [{ name: t('reports.col.offered'), type: 'bar', data: top.map((i) => i.offered) }],
    };
  }
  return null;
}
