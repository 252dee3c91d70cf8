# Settings of scripts/sip-front-*.sh (the SIP front, scripts/sip-front.cfg). Asterisk's address
# comes from pbx-env.sh; Hotline reaches the front at HOTLINE_SIP_FRONT_URL (app/config.ts).
# shellcheck shell=bash
# shellcheck source=pbx-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/pbx-env.sh"
FRONT_DIR="${HOTLINE_SIP_FRONT_DIR:-/var/lib/hotline/sip-front}"
# Where callers send their INVITEs. On an appliance this is the public SIP address (5060) and
# Asterisk's own transport moves to another port; in the lab Asterisk keeps 5060.
FRONT_BIND="${HOTLINE_SIP_FRONT_BIND:-127.0.0.1}"
FRONT_PORT="${HOTLINE_SIP_FRONT_PORT:-5070}"
RPC_BIND="${HOTLINE_SIP_FRONT_RPC_BIND:-127.0.0.1}"
RPC_PORT="${HOTLINE_SIP_FRONT_RPC_PORT:-5071}"
# Addresses allowed to set the rate (the Hotline nodes), comma-separated.
RPC_ALLOW="${HOTLINE_SIP_FRONT_RPC_ALLOW:-127.0.0.1}"
PBX_HOST="$PBX_BIND"; [ "$PBX_HOST" = "0.0.0.0" ] && PBX_HOST=127.0.0.1
FRONT_PIDFILE="$FRONT_DIR/kamailio.pid"
# Past this average time (ms) for Asterisk to answer a relayed INVITE, the front refuses calls
# until it catches up, whatever the rate (scripts/sip-front.cfg, route ADMIT); 0: never.
FRONT_MAX_ANSWER_MS="${HOTLINE_SIP_FRONT_MAX_ANSWER_MS:-500}"
[[ "$FRONT_MAX_ANSWER_MS" =~ ^[0-9]+$ ]] || { echo "sip-front: HOTLINE_SIP_FRONT_MAX_ANSWER_MS must be a whole number of ms, not '$FRONT_MAX_ANSWER_MS'" >&2; exit 64; }
# A call Asterisk has not begun to answer (a reply of 180 or more) this many ms after the front
# relayed it is refused there (503) and cancelled in Asterisk (scripts/sip-front.cfg); 0: never.
FRONT_ANSWER_DEADLINE_MS="${HOTLINE_SIP_FRONT_ANSWER_DEADLINE_MS:-800}"
[[ "$FRONT_ANSWER_DEADLINE_MS" =~ ^[0-9]+$ ]] || { echo "sip-front: HOTLINE_SIP_FRONT_ANSWER_DEADLINE_MS must be a whole number of ms, not '$FRONT_ANSWER_DEADLINE_MS'" >&2; exit 64; }
# SCHED_RR priority of the front's processes (sip-front-up.sh): above Asterisk's 10.
FRONT_RT_PRIORITY="${HOTLINE_SIP_FRONT_RT_PRIORITY:-20}"

# The front's pid (from the pid file, checked against /proc), or nothing.
front_pid() {
  local pid
  pid=$(cat "$FRONT_PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "kamailio.*$FRONT_DIR/kamailio.cfg" && echo "$pid"
}
