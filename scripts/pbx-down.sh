#!/usr/bin/env bash
# npm run pbx:down — stop the Asterisk that pbx:up started; leave any other alone.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=pbx-env.sh
. "$HERE/pbx-env.sh"
pbx_lock

if [ ! -f "$STARTED_MARK" ]; then
  echo "pbx: nothing to stop (pbx:up did not start an Asterisk here)"
  exit 0
fi
pids=$(pbx_pids)
if [ -n "$pids" ]; then
  echo "pbx: stopping Asterisk (pid $(echo $pids))"
  pbx_cli "core stop now" >/dev/null 2>&1 || true
  for pid in $pids; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill "$pid" 2>/dev/null; sleep 1; kill -9 "$pid" 2>/dev/null; } || true
  done
else
  echo "pbx: Asterisk was not running"
fi
rm -f "$STARTED_MARK"
