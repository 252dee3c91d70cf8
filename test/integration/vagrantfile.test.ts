// The appliance's Vagrantfile, read by Ruby with a stand-in for Vagrant (VirtualBox does not run
// here): it defines the one-box appliance and the HA trio, every provisioning script is valid
// bash, and the HA nodes get Hotline with HA on plus keepalived from scripts/keepalived-conf.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { ROOT } from '../support/pbx.js';

type Machines = Record<string, { scripts: string[]; net: Array<[unknown[], Record<string, unknown>]> }>;

describe('the Vagrantfile (appliance and HA pair)', () => {
  const machines = JSON.parse(execFileSync('ruby', [`${ROOT}/test/support/vagrant-stub.rb`, `${ROOT}/Vagrantfile`], { encoding: 'utf8' })) as Machines;

  it('defines the one-box appliance and ha-pbx, ha-node1, ha-node2; every provisioning script parses as bash', () => {
    expect(Object.keys(machines)).to.deep.equal(['hotline', 'ha-pbx', 'ha-node1', 'ha-node2']);
    for (const [name, m] of Object.entries(machines)) {
      expect(m.scripts, name).to.have.length(1);
      const check = spawnSync('bash', ['-n'], { input: m.scripts[0], encoding: 'utf8' });
      expect(check.status, `${name}: ${check.stderr}`).to.equal(0);
    }
  });

  it('the HA nodes run Hotline with HA on against ha-pbx, and keepalived tracking the active node', () => {
    for (const [name, peer] of [['ha-node1', '192.168.56.12'], ['ha-node2', '192.168.56.11']] as const) {
      const script = machines[name]!.scripts[0]!;
      expect(script).to.include('HOTLINE_HA_ENABLED=true').and.include(`HOTLINE_NODE_NAME=${name}`).and.include('HOTLINE_DB_HOST=192.168.56.20');
      expect(script).to.match(new RegExp(`keepalived-conf\\.sh "\\$IFACE" 192\\.168\\.56\\.10/24 \\S+ ${peer.replace(/\./g, '\\.')} `));
    }
    const pbx = machines['ha-pbx']!.scripts[0]!;
    expect(pbx).to.include('HOTLINE_AMI_PERMIT=192.168.56.0/255.255.255.0').and.include("'hotline'@'192.168.56.%'");
  });

  it('the SIP front runs beside Asterisk (Debian\'s own kamailio service off, its receive buffer allowed 4 MB), and the Hotline nodes set its rate', () => {
    for (const [box, allow] of [['hotline', '127.0.0.1'], ['ha-pbx', '192.168.56.11,192.168.56.12']] as const) {
      const script = machines[box]!.scripts[0]!;
      expect(script, box).to.include('apt-get install -y -qq kamailio').and.include('systemctl disable --now kamailio')
        .and.include(`HOTLINE_SIP_FRONT_RPC_ALLOW=${allow}`).and.include('ExecStart=/bin/bash /opt/hotline/scripts/sip-front-up.sh')
        // sip-front.cfg's maxbuffer (4 MB) needs the kernel's cap raised: a burst is queued, not dropped.
        .and.include("echo 'net.core.rmem_max = 4194304' >/etc/sysctl.d/60-hotline-sip-front.conf");
    }
    expect(machines['hotline']!.scripts[0]).to.include('HOTLINE_SIP_FRONT_URL=http://127.0.0.1:5071/RPC');
    for (const node of ['ha-node1', 'ha-node2']) expect(machines[node]!.scripts[0], node).to.include('HOTLINE_SIP_FRONT_URL=http://192.168.56.20:5071/RPC');
  });
});
