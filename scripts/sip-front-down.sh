#!/usr/bin/env bash
# npm run sip-front:down — stop the SIP front that sip-front:up started.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=sip-front-env.sh
. "$HERE/sip-front-env.sh"
pid=$(front_pid) || { echo "sip-front: not running"; rm -f "$FRONT_PIDFILE"; exit 0; }
kill "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -9 "$pid" 2>/dev/null || true
rm -f "$FRONT_PIDFILE"
echo "sip-front: stopped (pid $pid)"
