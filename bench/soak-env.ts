// Imported FIRST by bench/soak.bench.ts: points every helper (scripts/pbx-*.sh, test/support/pbx.ts,
// sipp.ts, Hotline) at the soak's OWN Asterisk (bench/own-pbx.ts), so the soak never holds the
// shared one that the test suites use. Defaults (override with BENCH_PBX_*):
//   BENCH_PBX_DIR       /var/lib/hotline/pbx-soak  (the chroot; copied from HOTLINE_PBX_DIR's
//                       chroot, default /var/lib/hotline/pbx, on first use)
//   BENCH_PBX_ARI_PORT  8188   BENCH_PBX_AMI_PORT 5138   BENCH_PBX_SIP_PORT 5160
//   BENCH_PBX_ARI_APP   hotline-soak
import { ownPbx } from './own-pbx.js';

export { SHARED_PBX_DIR } from './own-pbx.js';
export const SOAK_PBX = ownPbx('bench:soak', { dir: '/var/lib/hotline/pbx-soak', ariPort: '8188', amiPort: '5138', sipPort: '5160', app: 'hotline-soak' });
