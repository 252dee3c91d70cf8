// The figures of a report a reader can open the calls behind (drill-down). Pure: shared by the
// query schema (also read by the console) and the drill-down query.
export const DRILL_FIGURES = ['offered', 'answered', 'answeredInSl', 'answeredOutSl', 'abandoned', 'abandonedShort', 'callbacks', 'overflowed', 'timeouts'] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];
