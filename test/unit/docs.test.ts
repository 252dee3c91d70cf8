// The documentation in docs/ stays true: every setting app/config.ts reads is in a settings
// table of docs/, and every route the code declares is in a route table of docs/ — and
// neither table names a setting or a route the code does not have.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTING_NAMES } from '../../app/config.js';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
import { codeRoutes, docTables, documentedRoutes, documentedSettings, type Route } from '../support/doc-tables.js';

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

const docs = files(join(ROOT, 'docs'), '.md').map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
const sources = files(join(ROOT, 'app'), '.ts')
  .filter((f) => !f.includes('/app/web/'))
  .map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
const key = (r: Route) => `${r.method} ${r.path}`;

describe('docs/ against the code', () => {
  const tables = docs.flatMap((d) => docTables(d.text, d.file));

  it('every setting in app/config.ts is in a settings table of docs/, and docs/ names no other', () => {
    const { names, problems } = documentedSettings(tables);
    expect(problems, 'settings rows the check cannot read (write each name in full, in backticks)').to.deep.equal([]);
    const documented = new Set(names.map((n) => n.name));
    expect(SETTING_NAMES.filter((n) => !documented.has(n)), 'settings missing from docs/').to.deep.equal([]);
    expect(names.filter((n) => !SETTING_NAMES.includes(n.name)).map((n) => `${n.name} (${n.where})`), 'documented settings the code does not read').to.deep.equal([]);
  });

  it('every declared route is in a route table of docs/, and docs/ names no route the code lacks', () => {
    const code = codeRoutes(sources);
    expect(code.length, 'routes found in app/').to.be.greaterThan(100);
    const { routes, problems } = documentedRoutes(tables);
    expect(problems, 'route cells the check cannot read (write METHOD /full/path for each route)').to.deep.equal([]);
    const documented = new Set(routes.map(key));
    const declared = new Set(code.map(key));
    expect(code.filter((r) => !documented.has(key(r))).map((r) => `${r.method} ${r.path} (${r.where})`), 'routes missing from docs/').to.deep.equal([]);
    expect(routes.filter((r) => !declared.has(key(r))).map((r) => `${r.method} ${r.path} (${r.where})`), 'documented routes the code does not declare').to.deep.equal([]);
  });

  it('the check itself: reads full names and routes, refuses abbreviations, finds declared routes', () => {
    const md = [
      '| variable | default | meaning |', '|---|---|---|',
      '| `HOTLINE_A_B` / `HOTLINE_A_C` | 1 | x |', '| `HOTLINE_D` / `_E` | 2 | y |', '',
      '| route | what |', '|---|---|',
      '| `GET/PUT /api/things/:id?x=` `{a}` · `DELETE /api/things/:id` | x |', '| `POST /api/things/:id/a` · `/b` | y |',
    ].join('\n');
    const t = docTables(md, 'x.md');
    expect(documentedSettings(t).names.map((n) => n.name)).to.deep.equal(['HOTLINE_A_B', 'HOTLINE_A_C']);
    expect(documentedSettings(t).problems).to.have.length(1);
    expect(documentedRoutes(t).routes.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /api/things/:id', 'PUT /api/things/:id', 'DELETE /api/things/:id', 'POST /api/things/:id/a']);
    expect(documentedRoutes(t).problems).to.have.length(1);
    const src = "r.get('/things', READ, h);\n  // r.post('/comment', { allow: [] }, h)\nr.delete('/things/:id', { ...CONFIG, params }, h);\nrouter.get('/health', (_req, res) => {});";
    expect(codeRoutes([{ file: 'a.ts', text: src }]).map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /api/things', 'DELETE /api/things/:id', 'GET /health']);
  });
});
