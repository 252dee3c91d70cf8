// The admin console's tests without Asterisk: one Hotline on a fresh SQLite database for the
// describe block that calls adminLab(), signed in through the login page as the test admin, with
// every browser context it opened closed after each test.
import { openConsole, signIn, type ConsolePage } from './browser.js';
import { createTestDb, type TestDb } from './db.js';
import { startHotlineWithoutPbx, stopAllHotlines, TEST_ADMIN } from './hotline.js';

export interface AdminLab {
  /** The Hotline's base URL (set once `before` ran). */
  readonly base: string;
  /** Its database (set once `before` ran): for what the API cannot make quickly (hundreds of users). */
  readonly db: TestDb;
  /** A fresh browser context in `locale`, signed in as the admin at `path`. */
  signedIn(locale: 'zh-CN' | 'en', path: string): Promise<ConsolePage>;
  /** A fresh browser context in `locale`, not signed in; closed after the test. */
  open(locale: 'zh-CN' | 'en'): Promise<ConsolePage>;
}

/** `env`: more settings for the lab's Hotline (e.g. a shorter retry schedule). */
export function adminLab(env: Record<string, string> = {}): AdminLab {
  let db: TestDb | undefined;
  let base = '';
  const pages: ConsolePage[] = [];
  before(async () => {
    db = await createTestDb('sqlite');
    base = (await startHotlineWithoutPbx({ ...db.env, ...env })).url;
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });
  after(async () => {
    await stopAllHotlines();
    await db?.drop();
  });
  const open = async (locale: 'zh-CN' | 'en') => {
    const c = await openConsole(locale);
    pages.push(c);
    return c;
  };
  return {
    get base() {
      return base;
    },
    get db() {
      if (!db) throw new Error('adminLab: the database is there once before() ran');
      return db;
    },
    open,
    async signedIn(locale, path) {
      const c = await open(locale);
      await signIn(c.page, base, 'admin', TEST_ADMIN.password, path);
      return c;
    },
  };
}
