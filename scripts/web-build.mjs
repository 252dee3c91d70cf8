// Builds the web console (app/web -> dist/web) with Vite. `--if-missing`: only when no build is
// there (npm start on a checkout whose install skipped scripts). npm ci runs it through `prepare`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.argv.includes('--if-missing') && existsSync(`${root}dist/web/index.html`)) process.exit(0);
const { build } = await import('vite');
await build({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });
console.log('web console built into dist/web');
