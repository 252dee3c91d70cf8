// One open MariaDB connection asks `SELECT 1` every 0.25 s and logs each answer that took over
// 500 ms (and how late its own timer fired), to tell a database that waits from a test that does.
// Usage: node scripts/loaded/db-watch.mjs <log file>   (MariaDB at 127.0.0.1, root, no password)
import mysql from 'mysql2/promise';
import { appendFileSync } from 'node:fs';

const out = process.argv[2];
const c = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
let last = performance.now();
for (;;) {
  const t = performance.now();
  const late = t - last - 250;
  await c.query('SELECT 1');
  const ms = performance.now() - t;
  if (ms > 500 || late > 500) appendFileSync(out, `${new Date().toISOString()} select1=${ms.toFixed(0)}ms timerLate=${late.toFixed(0)}ms\n`);
  last = performance.now();
  await new Promise((r) => setTimeout(r, 250));
}
