#!/usr/bin/env bash
# npm run pbx:up — create (first time) or reuse the Asterisk 22 chroot, install
# asterisk-config/ and dialplan/ into it, start Asterisk, wait for ARI and AMI.
# Safe to run twice: a running Asterisk gets the new config by reload.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
# shellcheck source=pbx-env.sh
. "$HERE/pbx-env.sh"

bash "$HERE/pbx-chroot.sh"
# One pbx:up (or pbx:down) at a time: a second one waits here instead of starting a second Asterisk.
pbx_lock

# Without these, Asterisk resolves the host name for every call and stalls (PBX-LAB.md).
HOSTS="$PBX_DIR/etc/hosts"
for name in localhost "$(hostname)" A.ROOT-SERVERS.NET; do
  grep -qE "^127\.0\.0\.1[[:space:]].*[[:space:]]$name([[:space:]]|\$)" "$HOSTS" 2>/dev/null \
    || echo "127.0.0.1 $name" >>"$HOSTS"
done

# Install Hotline's config as the whole of /etc/asterisk (Debian's samples kept aside).
ETC="$PBX_DIR/etc/asterisk"
[ -d "$PBX_DIR/etc/asterisk.debian-dist" ] || cp -a "$ETC" "$PBX_DIR/etc/asterisk.debian-dist"
[[ $AMI_PERMIT =~ ^[0-9.]+/[0-9.]+$ ]] || { echo "pbx: HOTLINE_AMI_PERMIT must be address/mask, e.g. 192.168.56.0/255.255.255.0" >&2; exit 64; }
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp "$ROOT"/asterisk-config/*.conf "$ROOT"/dialplan/*.conf "$STAGE"/
for f in "$STAGE"/*.conf; do
  sed -i \
    -e "s|@PBX_BIND@|$(sed_escape "$PBX_BIND")|g" -e "s|@ARI_PORT@|$(sed_escape "$ARI_PORT")|g" \
    -e "s|@AMI_PORT@|$(sed_escape "$AMI_PORT")|g" -e "s|@SIP_PORT@|$(sed_escape "$SIP_PORT")|g" \
    -e "s|@ARI_USER@|$(sed_escape "$ARI_USER")|g" -e "s|@ARI_PASSWORD@|$(sed_escape "$ARI_PASSWORD")|g" \
    -e "s|@ARI_APP@|$(sed_escape "$ARI_APP")|g" \
    -e "s|@AMI_PERMIT@|$(sed_escape "$AMI_PERMIT")|g" \
    -e "s|@AMI_USER@|$(sed_escape "$AMI_USER")|g" -e "s|@AMI_PASSWORD@|$(sed_escape "$AMI_PASSWORD")|g" "$f"
done
# Files Hotline writes over AMI (*_hotline.conf: queues, queue rules, agent devices) survive a
# re-install: a running Hotline keeps its queues and agents across `pbx:up`.
# Unchanged configuration needs no reload (a reload is the riskiest thing we do to a running Asterisk).
CHANGED=yes
if diff -rq -x '*_hotline.conf' "$STAGE" "$ETC" >/dev/null 2>&1; then CHANGED=no; fi
# modules.conf is read at start only: a change to it (a module newly loaded or left out) restarts
# a running Asterisk instead of reloading it.
MODULES_CHANGED=no
if ! cmp -s "$STAGE/modules.conf" "$ETC/modules.conf"; then MODULES_CHANGED=yes; fi
KEEP="$(mktemp -d)"
cp "$ETC"/*_hotline.conf "$KEEP"/ 2>/dev/null || true
find "$ETC" -mindepth 1 -delete
cp "$STAGE"/*.conf "$ETC"/
cp "$KEEP"/*_hotline.conf "$ETC"/ 2>/dev/null || true
rm -rf "$KEEP"
chmod 640 "$ETC"/*.conf

# Hotline's prompt library (HOTLINE_PROMPTS_DIR) lives here; Asterisk plays it as sound:hotline/<name>.
mkdir -p "$PBX_DIR/run/asterisk" "$PBX_DIR/usr/share/asterisk/sounds/hotline" "$PBX_DIR/var/spool/asterisk/recording" "$PBX_DIR/var/spool/asterisk/fax"
# Music on hold (musiconhold.conf [default]): Debian's chroot has none; a soft pulsing tone made
# with sox stands in until a customer installs its own files in that directory.
MOH="$PBX_DIR/var/lib/asterisk/moh/hotline"
if [ ! -s "$MOH/hold-tone.wav" ]; then
  mkdir -p "$MOH"
  sox -q -n -r 8000 -c 1 -b 16 "$MOH/hold-tone.wav" synth 8 sine 523 tremolo 0.5 60 vol 0.2
fi
chroot "$PBX_DIR" chown -R asterisk:asterisk /etc/asterisk /var/lib/asterisk /var/log/asterisk \
  /var/spool/asterisk /var/run/asterisk

start_pbx() {
  # Never a second instance on the same configuration: whatever runs (booting or not) is ours to reuse.
  if pbx_pid >/dev/null; then
    echo "pbx: Asterisk (pid $(pbx_pid)) is already running; not starting another"
    return 0
  fi
  echo "pbx: starting Asterisk"
  rm -f "$PIDFILE"
  # Asterisk inherits no descriptor but stdio: neither pbx_lock's nor a caller's (flock, test runner),
  # or a lock would live on in Asterisk and every later pbx:up would wait for it.
  (
    for fd in /proc/$BASHPID/fd/*; do
      n=${fd##*/}
      [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-"
    done
    exec setsid nohup chroot "$PBX_DIR" /usr/sbin/asterisk -U asterisk -G asterisk -f >/dev/null 2>&1
  ) &
  touch "$STARTED_MARK"
}
kill_pbx() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  sleep 0.5
}
# Whether the running PJSIP tries endpoint identifiers in the order pjsip.conf gives.
identifiers_current() {
  local want have
  want="$(sed -n 's/^endpoint_identifier_order *= *//p' "$ETC/pjsip.conf" | tr -d ' ')"
  [ -n "$want" ] || return 0
  have="$(pbx_cli "pjsip show identifiers" | awk 'NR>2 && NF==1 && $1 != "name" {print $1}' | paste -sd, -)"
  [[ "$have" == "$want"* ]]
}
# An Asterisk that was just (re)started may not have its control socket yet: wait for it to
# finish booting before talking to it, and replace one that never answers.
booted() { timeout 30 chroot "$PBX_DIR" asterisk -rx "core waitfullybooted" >/dev/null 2>&1; }

# Two main instances (left by an older harness, or started by hand) split ARI/AMI and SIP between
# them: stop them all and start one.
pids=$(pbx_pids)
if [ "$(printf '%s\n' "$pids" | grep -c .)" -gt 1 ]; then
  echo "pbx: $(printf '%s\n' "$pids" | grep -c .) Asterisk processes run on this configuration (pids $(echo $pids)); stopping them all and starting one" >&2
  for p in $pids; do kill_pbx "$p"; done
fi

restarted=no
if pid=$(pbx_pid); then
  if ! booted; then
    echo "pbx: Asterisk (pid $pid) does not answer on its control socket; restarting it"
    kill_pbx "$pid"
    start_pbx
  elif ! pbx_realtime "$pid" && pbx_realtime_possible; then
    # Started without asterisk.conf's highpriority (an older config, or by hand): its prompts
    # stretch on a busy box (asterisk-config/asterisk.conf). The priority is set only at start.
    echo "pbx: Asterisk (pid $pid) runs at normal CPU priority, not realtime (highpriority); restarting it"
    kill_pbx "$pid"
    start_pbx
    restarted=yes
  elif [ "$CHANGED" = no ]; then
    echo "pbx: Asterisk already running (pid $pid) with this configuration"
  else
    echo "pbx: Asterisk already running (pid $pid); reloading configuration"
    if ! { pbx_cli "core reload" >/dev/null && pbx_cli "dialplan reload" >/dev/null; }; then
      echo "pbx: reload failed; restarting Asterisk"
      kill_pbx "$pid"
      start_pbx
    elif [ "$MODULES_CHANGED" = yes ]; then
      echo "pbx: modules.conf changed (read at start only); restarting Asterisk"
      kill_pbx "$pid"
      start_pbx
      restarted=yes
    elif ! identifiers_current; then
      # PJSIP orders its endpoint identifiers only at start: a changed order needs a restart.
      echo "pbx: endpoint_identifier_order changed; restarting Asterisk"
      kill_pbx "$pid"
      start_pbx
      restarted=yes
    fi
  fi
else
  start_pbx
fi

deadline=$((SECONDS + 90))
# Asterisk has been seen to exit during a reload: start it again (once) rather than wait in vain.
alive_or_restart() {
  # pbx_pid looks for the process itself: a booting Asterisk writes its pid file late (PBX-LAB.md pitfall).
  pbx_pid >/dev/null && return 0
  [ "$restarted" = no ] || return 0
  restarted=yes
  echo "pbx: Asterisk exited; starting it again" >&2
  start_pbx
}
until curl -sf -o /dev/null -u "$ARI_USER:$ARI_PASSWORD" "http://$PBX_BIND:$ARI_PORT/ari/asterisk/info"; do
  [ $SECONDS -lt $deadline ] || { echo "pbx: ARI did not answer on $PBX_BIND:$ARI_PORT; log: $PBX_LOG" >&2; tail -n 30 "$PBX_LOG" >&2 || true; exit 1; }
  alive_or_restart
  sleep 0.5
done
until (exec 3<>"/dev/tcp/$PBX_BIND/$AMI_PORT" && head -c 22 <&3 | grep -q "Asterisk Call Manager") 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "pbx: AMI did not answer on $PBX_BIND:$AMI_PORT; log: $PBX_LOG" >&2; exit 1; }
  sleep 0.5
done
until pbx_cli "pjsip show transports" 2>/dev/null | grep -q transport-udp; do
  [ $SECONDS -lt $deadline ] || { echo "pbx: PJSIP transport not up; log: $PBX_LOG" >&2; exit 1; }
  sleep 0.5
done
echo "pbx: Asterisk $(chroot "$PBX_DIR" asterisk -V | awk '{print $2}') up: ARI http://$PBX_BIND:$ARI_PORT (app '$ARI_APP'), AMI $PBX_BIND:$AMI_PORT, SIP udp $PBX_BIND:$SIP_PORT"
echo "pbx: log: $PBX_LOG"
# Exactly one Asterisk, answering ARI, AMI and SIP: otherwise say why and fail.
bash "$HERE/pbx-check.sh" || exit 1
