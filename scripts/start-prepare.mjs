// `npm start` on a fresh clone: installs what the service needs when it is missing — the npm
// dependencies (`npm ci`, which also builds the console through `prepare`) and the built
// console (dist/web) — and does nothing when both are there (two stat calls), so a second
// start is as fast as the first one after an install. Plain Node, no dependency: it runs
// before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const installed = `${root}node_modules/.package-lock.json`;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`hotline: \`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal}); fix the error above and run npm start again\n`);
    process.exit(1);
  }
}

if (!existsSync(installed)) {
  process.stderr.write('hotline: first start: installing the dependencies (npm ci; a few minutes: better-sqlite3 compiles, the console builds)\n');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
} else if (statSync(`${root}package-lock.json`).mtimeMs > statSync(installed).mtimeMs + 1000) {
  process.stderr.write('hotline: package-lock.json changed since the last install: run `npm ci` if the start fails on a missing module\n');
}
if (!existsSync(`${root}dist/web/index.html`)) run(process.execPath, [`${root}scripts/web-build.mjs`]);
