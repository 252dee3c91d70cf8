#!/usr/bin/env bash
# npm run pbx:check — is the local Asterisk fit for calls? Exactly one main Asterisk runs on
# this configuration, at realtime CPU priority, and ARI, AMI and SIP all answer from that one
# process. Prints one line per problem (exit 1) or one "ok" line (exit 0). The test harness runs
# it before the first call test of each file, so a broken precondition fails once with its cause.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=pbx-env.sh
. "$HERE/pbx-env.sh"

problems=()
pids=$(pbx_pids)
count=$(printf '%s\n' "$pids" | grep -c . || true)
if [ "$count" -eq 0 ]; then
  echo "pbx-check: no Asterisk runs in $PBX_DIR (start it: npm run pbx:up)"
  exit 1
fi
if [ "$count" -gt 1 ]; then
  problems+=("$count Asterisk processes run on the same configuration (pids $(echo $pids)); they split ARI/AMI and SIP between them (npm run pbx:up stops them all and starts one)")
fi
pid=$(printf '%s\n' "$pids" | head -n 1)

# Realtime CPU priority (asterisk.conf highpriority): at normal priority a busy box stretches
# prompts (a 2.8 s prompt took up to 23 s) and callers hang up before they end.
if pbx_realtime "$pid"; then
  :
elif pbx_realtime_possible; then
  problems+=("Asterisk $pid runs at normal CPU priority, not realtime (asterisk.conf highpriority): on a busy box its prompts stretch (npm run pbx:up restarts it)")
else
  echo "pbx-check: warning: this machine refuses realtime priority (chrt -r 1 true fails): Asterisk $pid runs at normal priority, and on a busy box its prompts stretch" >&2
fi

# Which process listens on each port (ss -p names the owner).
owner() { # proto port
  ss -H -lnp "-$1" "sport = :$2" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}
for spec in "t:$ARI_PORT:ARI/HTTP" "t:$AMI_PORT:AMI" "u:$SIP_PORT:SIP"; do
  IFS=: read -r proto port what <<<"$spec"
  o=$(owner "$proto" "$port")
  if [ -z "$o" ]; then
    problems+=("$what port $port: nothing listens")
  elif ! printf '%s\n' "$pids" | grep -qx "$o"; then
    problems+=("$what port $port is held by pid $o ($(tr '\0' ' ' </proc/"$o"/cmdline 2>/dev/null | cut -c1-60)), not by Asterisk $pid")
  elif [ "$count" -gt 1 ]; then
    problems+=("$what port $port is held by Asterisk $o")
  fi
done

# Each protocol answers.
curl -sf -m 3 -o /dev/null -u "$ARI_USER:$ARI_PASSWORD" "http://$PBX_BIND:$ARI_PORT/ari/asterisk/info" \
  || problems+=("ARI http://$PBX_BIND:$ARI_PORT does not answer")
(exec 3<>"/dev/tcp/$PBX_BIND/$AMI_PORT" && timeout 3 head -c 22 <&3 | grep -q "Asterisk Call Manager") 2>/dev/null \
  || problems+=("AMI $PBX_BIND:$AMI_PORT does not answer with its banner")
sip_answers() {
  local branch="z9hG4bK-check-$$-$RANDOM" msg
  msg=$(mktemp)
  # One datagram: the request goes out in a single write (printf to a UDP socket splits it).
  printf 'OPTIONS sip:%s:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:9;branch=%s;rport\r\nMax-Forwards: 70\r\nFrom: <sip:check@%s>;tag=%s\r\nTo: <sip:%s:%s>\r\nCall-ID: %s@pbx-check\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
    "$PBX_BIND" "$SIP_PORT" "$PBX_BIND" "$branch" "$PBX_BIND" "$RANDOM" "$PBX_BIND" "$SIP_PORT" "$branch" >"$msg"
  exec 3<>"/dev/udp/$PBX_BIND/$SIP_PORT" || { rm -f "$msg"; return 1; }
  dd if="$msg" bs=65536 count=1 status=none >&3
  rm -f "$msg"
  timeout 3 head -c 12 <&3 | grep -q '^SIP/2.0 '
}
(sip_answers) 2>/dev/null || problems+=("SIP udp $PBX_BIND:$SIP_PORT does not answer an OPTIONS request")

if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do echo "pbx-check: $p"; done
  exit 1
fi
echo "pbx-check: ok: one Asterisk (pid $pid, realtime priority) answers ARI :$ARI_PORT, AMI :$AMI_PORT and SIP :$SIP_PORT"
