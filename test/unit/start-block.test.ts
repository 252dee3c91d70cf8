// The start block `npm start` prints: the console URL, how the first admin signs in (never a
// password), and which Asterisk Hotline is connected to, or the command that starts one.
import { expect } from 'chai';
import { loadConfig } from '../../app/config.js';
import { firstAdminPasswordFile, startBlock } from '../../app/start-block.js';
import type { PbxLinks } from '../../app/pbx/ports.js';

const link = (up: boolean) => ({ up, since: new Date(), detail: up ? 'connected' : 'connect ECONNREFUSED' });
const links = (ami: boolean, ari: boolean): PbxLinks => ({ ami: link(ami), ari: link(ari) });

describe('start block', () => {
  it('a fresh start: console URL, the generated password file (not the password), no Asterisk: npm run pbx:up', () => {
    const c = loadConfig({});
    const file = firstAdminPasswordFile(c);
    expect(file).to.match(/\/data\/first-admin-password$/);
    const b = startBlock(c, { version: '0.1.0', admin: { kind: 'generated', file }, links: links(false, false), role: 'active' });
    expect(b).to.contain('Console:      http://127.0.0.1:8080/');
    expect(b).to.contain(`user "admin"; its one-time password is in ${file}`);
    expect(b).to.contain('not connected: no Asterisk answers at 127.0.0.1:5038 (AMI) / 127.0.0.1:8088 (ARI); start the local one with: npm run pbx:up');
  });

  it('names the Asterisk it connected to, and says when that was only the default address', () => {
    const c = loadConfig({ HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: 'Secret-Pass-1234' });
    const b = startBlock(c, { version: '0.1.0', admin: { kind: 'setting' }, links: links(true, true), role: 'active', asteriskVersion: '22.10.1' });
    expect(b).to.contain('connected to Asterisk 22.10.1 at 127.0.0.1:5038 (AMI) and 127.0.0.1:8088 (ARI) (the default address;');
    expect(b).to.contain('HOTLINE_BOOTSTRAP_ADMIN_PASSWORD').and.not.contain('Secret-Pass-1234');
    const chosen = loadConfig({ HOTLINE_AMI_HOST: 'pbx.local', HOTLINE_ARI_URL: 'http://pbx.local:8088', HOTLINE_HTTP_HOST: '0.0.0.0', HOTLINE_HTTP_PORT: '9000' });
    const b2 = startBlock(chosen, { version: '0.1.0', admin: { kind: 'existing' }, links: links(true, false), role: 'standby' });
    expect(b2).to.contain('connected to the Asterisk at pbx.local:5038 (AMI) and pbx.local:8088 (ARI)\n').and.not.contain('default address');
    expect(b2).to.contain('Console:      http://127.0.0.1:9000/');
    expect(b2).to.contain('users exist already');
  });

  it('an active node without ARI is not connected; no Asterisk of its own says so', () => {
    const c = loadConfig({});
    expect(startBlock(c, { version: '0.1.0', admin: { kind: 'existing' }, links: links(true, false), role: 'active' })).to.contain('not connected');
    const none = loadConfig({ HOTLINE_OWN_PBX: 'false' });
    expect(startBlock(none, { version: '0.1.0', admin: { kind: 'existing' }, links: links(false, false), role: 'active' })).to.contain('none of its own (HOTLINE_OWN_PBX=false)');
  });
});
