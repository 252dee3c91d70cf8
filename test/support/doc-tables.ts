// Reads the tables of the Markdown documentation (settings and routes) and the routes the code
// declares, for test/unit/docs.test.ts.

export interface Table {
  where: string;
  header: string[];
  rows: Array<{ cells: string[]; line: number }>;
}

export interface Route {
  method: string;
  path: string;
  where: string;
}

const splitRow = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** Every Markdown table of `text` (outside code fences), with its header cells. */
export function docTables(text: string, file: string): Table[] {
  const tables: Table[] = [];
  const lines = text.split('\n');
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('```')) fenced = !fenced;
    if (fenced || !lines[i]!.startsWith('|') || !/^\|[\s|:-]+\|?\s*$/.test(lines[i + 1] ?? '')) continue;
    const table: Table = { where: `${file}:${i + 1}`, header: splitRow(lines[i]!), rows: [] };
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) table.rows.push({ cells: splitRow(lines[i]!), line: i + 1 });
    tables.push(table);
  }
  return tables;
}

const fileOf = (t: Table) => t.where.replace(/:\d+$/, '');

/** Names in the first column of the settings tables (header `variable`): each in full, in backticks. */
export function documentedSettings(tables: Table[]): { names: Array<{ name: string; where: string }>; problems: string[] } {
  const names: Array<{ name: string; where: string }> = [];
  const problems: string[] = [];
  for (const t of tables.filter((t) => t.header[0] === 'variable')) {
    for (const row of t.rows) {
      const cell = row.cells[0] ?? '';
      const where = `${fileOf(t)}:${row.line}`;
      if (!/^`HOTLINE_[A-Z0-9_]+`(\s*\/\s*`HOTLINE_[A-Z0-9_]+`)*$/.test(cell)) {
        problems.push(`${where}: ${cell}`);
        continue;
      }
      for (const m of cell.matchAll(/`(HOTLINE_[A-Z0-9_]+)`/g)) names.push({ name: m[1]!, where });
    }
  }
  return { names, problems };
}

const METHOD = '(?:GET|POST|PUT|PATCH|DELETE)';

/**
 * Routes in the first column of the route tables (header `route`): backticked `METHOD /path`
 * (`GET/PUT /path` for several methods; a query string is ignored). A backticked path without
 * a method, or a method without a path, is a problem: every route is written in full.
 */
export function documentedRoutes(tables: Table[]): { routes: Route[]; problems: string[] } {
  const routes: Route[] = [];
  const problems: string[] = [];
  for (const t of tables.filter((t) => t.header[0] === 'route')) {
    for (const row of t.rows) {
      const cell = row.cells[0] ?? '';
      const where = `${fileOf(t)}:${row.line}`;
      if (/^WebSocket\b/.test(cell)) continue;
      for (const m of cell.matchAll(/`([^`]*)`/g)) {
        const chunk = m[1]!;
        const route = new RegExp(`^(${METHOD}(?:/${METHOD})*) (/[^\\s?]*)(\\?\\S*)?$`).exec(chunk);
        if (route) {
          for (const method of route[1]!.split('/')) routes.push({ method, path: route[2]!, where });
        } else if (new RegExp(`^(${METHOD}|/|…)`).test(chunk)) {
          problems.push(`${where}: \`${chunk}\` in ${cell}`);
        }
      }
    }
  }
  return { routes, problems };
}

/**
 * Routes declared in the sources: `<router>.get('/path', <declaration>, handler)` on a
 * SecureRouter (a `{…}` declaration or a variable holding one), mounted under /api; a plain
 * Express route (`router.get('/health', handler)`) as it is. Comment lines are skipped.
 */
export function codeRoutes(sources: Array<{ file: string; text: string }>): Route[] {
  const routes: Route[] = [];
  for (const { file, text } of sources) {
    const code = text
      .split('\n')
      .map((l) => (/^\s*(\/\/|\*|\/\*)/.test(l) ? '' : l))
      .join('\n');
    for (const m of code.matchAll(/\b\w+\.(get|post|put|patch|delete)\(\s*'(\/[^']*)'\s*,\s*([^\s,]+)/g)) {
      const declared = /^(\{|[A-Za-z_$][\w$]*$)/.test(m[3]!);
      routes.push({ method: m[1]!.toUpperCase(), path: declared ? `/api${m[2]}` : m[2]!, where: file });
    }
  }
  return routes;
}
