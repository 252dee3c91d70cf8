#!/usr/bin/env bash
# npm run sip-front:up — start the SIP front (Kamailio, scripts/sip-front.cfg) in front of the
# local Asterisk, or restart it with the current settings. Needs Debian's `kamailio` package
# (scripts/test-setup.sh installs it). Settings: scripts/sip-front-env.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=sip-front-env.sh
. "$HERE/sip-front-env.sh"
command -v kamailio >/dev/null || { echo "sip-front: kamailio is not installed (apt-get install kamailio)" >&2; exit 1; }
mkdir -p "$FRONT_DIR"
if pid=$(front_pid); then
  echo "sip-front: stopping the running front (pid $pid) to start it with the current settings"
  bash "$HERE/sip-front-down.sh" >/dev/null
fi
permit="^($(echo "$RPC_ALLOW" | sed -e 's/\./\\\\./g' -e 's/,/|/g'))\$"
sed -e "s|@CHILDREN@|$(nproc)|g" -e "s|@FRONT_BIND@|$(sed_escape "$FRONT_BIND")|g" -e "s|@FRONT_PORT@|$(sed_escape "$FRONT_PORT")|g" \
  -e "s|@RPC_BIND@|$(sed_escape "$RPC_BIND")|g" -e "s|@RPC_PORT@|$(sed_escape "$RPC_PORT")|g" -e "s|@RPC_PERMIT@|$(sed_escape "$permit")|g" \
  -e "s|@PBX_HOST@|$(sed_escape "$PBX_HOST")|g" -e "s|@PBX_PORT@|$(sed_escape "$SIP_PORT")|g" -e "s|@MAX_ANSWER_US@|$((FRONT_MAX_ANSWER_MS * 1000))|g" \
  -e "s|@DEADLINE_MS@|$((10#$FRONT_ANSWER_DEADLINE_MS))|g" \
  "$HERE/sip-front.cfg" >"$FRONT_DIR/kamailio.cfg"
kamailio -c -f "$FRONT_DIR/kamailio.cfg" >"$FRONT_DIR/check.log" 2>&1 || { echo "sip-front: the rendered config does not load:" >&2; tail -5 "$FRONT_DIR/check.log" >&2; exit 1; }
# Realtime priority above Asterisk's (asterisk.conf highpriority: SCHED_RR 10), where the machine
# allows it. The front is what refuses the calls past the rate; at normal priority, an Asterisk at
# its CPU edge starved it (bench:calls, overload step: the front's socket dropped 22,819 datagrams
# and callers saw their 503 after up to 10 s). It costs ~0.3 ms of CPU a call and refuses for less
# (docs/benchmarks.md), so it cannot starve the box in turn. Its children inherit the policy.
rt=()
if pbx_realtime_possible; then rt=(chrt --rr "$FRONT_RT_PRIORITY"); fi
# -DD: in the foreground of its own session (its pid is ours to keep), -E: log to stderr.
setsid "${rt[@]}" kamailio -f "$FRONT_DIR/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$FRONT_DIR" >>"$FRONT_DIR/kamailio.log" 2>&1 </dev/null &
echo $! >"$FRONT_PIDFILE"
# Up once its JSON-RPC answers.
for _ in $(seq 1 100); do
  if curl -sf -m 1 -X POST -d '{"jsonrpc":"2.0","method":"core.version","id":1}' "http://$RPC_BIND:$RPC_PORT/RPC" >/dev/null 2>&1; then
    echo "sip-front: up (pid $(cat "$FRONT_PIDFILE")): SIP $FRONT_BIND:$FRONT_PORT -> Asterisk $PBX_HOST:$SIP_PORT, rate set over http://$RPC_BIND:$RPC_PORT/RPC; log $FRONT_DIR/kamailio.log"
    exit 0
  fi
  front_pid >/dev/null || break
  sleep 0.1
done
echo "sip-front: did not come up; last log lines:" >&2
tail -5 "$FRONT_DIR/kamailio.log" >&2
exit 1
