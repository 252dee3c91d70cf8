// Runs last (file order): LDAP login through a running Hotline configured from the
// environment, then a scan of everything every Hotline of this test run wrote to its log
// for the secrets it was configured with. None may appear.
import { expect } from 'chai';
import { api } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { startHotline, stopAllHotlines, suiteOutputs, TEST_ADMIN } from '../support/hotline.js';
import { ensurePbx } from '../support/pbx.js';
import { GROUPS, SERVICE_DN, SUFFIX, USERS, startSlapd, type Slapd } from '../support/slapd.js';

describe('secrets never reach a log (whole suite)', function () {
  this.timeout(60_000);
  let slapd: Slapd;
  let db: TestDb;

  before(async () => {
    ensurePbx();
    slapd = await startSlapd();
    db = await createTestDb('sqlite');
  });
  after(async () => {
    await stopAllHotlines();
    await slapd?.stop();
    await db?.drop();
  });

  it('an LDAP user logs in through the running service with the role of their group', async () => {
    const hotline = await startHotline(
      {
        ...db.env,
        HOTLINE_LDAP_URL: slapd.url,
        HOTLINE_LDAP_BIND_DN: SERVICE_DN,
        HOTLINE_LDAP_BIND_PASSWORD: slapd.servicePassword,
        HOTLINE_LDAP_BASE_DN: SUFFIX,
        HOTLINE_LDAP_GROUP_BASE_DN: GROUPS,
        HOTLINE_LDAP_ROLE_MAP: `agent:cn=agents,${GROUPS}|supervisor:cn=supervisors,${GROUPS}|admin:cn=admins,${GROUPS}`,
      },
      { waitForPbx: false },
    );
    const bob = USERS.find((u) => u.uid === 'bob')!;
    const ok = await api(hotline.url, 'POST', '/api/auth/login', { username: 'bob', password: bob.password }, null);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const me = await api(hotline.url, 'GET', '/api/auth/me', undefined, ok.body.token);
    expect(me.body.role).to.equal('supervisor');
    const bad = await api(hotline.url, 'POST', '/api/auth/login', { username: 'bob', password: 'not-bobs-password' }, null);
    expect(bad.status).to.equal(401);
    const injected = await api(hotline.url, 'POST', '/api/auth/login', { username: '*)(uid=*', password: bob.password }, null);
    expect(injected.status).to.equal(401);
  });

  it('no configured secret appears in any log line Hotline wrote during the whole run', () => {
    const secrets = [
      'hotline-dev-ari',
      'hotline-dev-ami',
      TEST_ADMIN.password,
      slapd.servicePassword,
      ...USERS.map((u) => u.password),
      process.env.HOTLINE_TEST_MARIADB_PASSWORD ?? '',
    ].filter((s) => s.length >= 4);
    const logs = suiteOutputs.map((read) => read());
    expect(logs.length).to.be.greaterThan(1);
    const leaks = secrets.flatMap((secret) => logs.filter((l) => l.includes(secret)).map(() => secret.slice(0, 3) + '…'));
    expect(leaks).to.deep.equal([]);
  });
});
