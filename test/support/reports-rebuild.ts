// `npm run reports:rebuild` against a test database, as an operator runs it: its exit code and output.
import { spawn } from 'node:child_process';
import { ROOT } from './pbx.js';

export function rebuildReports(dbEnv: Record<string, string>): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'reports:rebuild'], { cwd: ROOT, env: { ...process.env, ...dbEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('exit', (code) => resolve({ code, text }));
  });
}
