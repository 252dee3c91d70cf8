#!/usr/bin/env bash
# The loaded full run (issue 12, item 1): `npm test` on a fresh clone of this checkout's HEAD with
# two busy processes beside it (each in a session of its own), and two monitors: scripts/loaded/cpu-watch.py (per second: the
# processes that had the CPU, runnable tasks, CPU pressure) and db-watch.mjs (MariaDB answers
# over 500 ms). Usage: bash scripts/loaded/run.sh [out dir, default /tmp/hotline-loaded]
# (as root, like npm test; the clone needs the MariaDB test account exported as for npm test).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${1:-/tmp/hotline-loaded}"
mkdir -p "$OUT"
rm -rf "$OUT/clone" && git clone -q "$REPO" "$OUT/clone" && cd "$OUT/clone" || exit 1
python3 "$HERE/cpu-watch.py" "$OUT/cpu.log" & M1=$!
(cd "$REPO" && node "$HERE/db-watch.mjs" "$OUT/db.log") & M2=$!
# Each busy process in a session of its own, as another user's job would be: in the tests' own
# session (one autogroup with the SIPp phones) this kernel keeps MariaDB off the CPU for 60 s and
# more (scripts/loaded/starve-repro.sh shows it without Hotline).
setsid yes > /dev/null & Y1=$!
setsid yes > /dev/null & Y2=$!
trap 'kill $Y1 $Y2 $M1 $M2 2>/dev/null' EXIT
date -u +"start %H:%M:%S, $(git rev-parse --short HEAD)"
npm test
rc=$?
date -u +"end %H:%M:%S rc=$rc"
exit $rc
