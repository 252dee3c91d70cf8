# Shared settings for scripts/pbx-*.sh. The defaults match app/config.ts.
# shellcheck shell=bash
PBX_DIR="${HOTLINE_PBX_DIR:-/var/lib/hotline/pbx}"
PBX_BIND="${HOTLINE_PBX_BIND:-127.0.0.1}"
ARI_PORT="${HOTLINE_ARI_PORT:-8088}"
AMI_PORT="${HOTLINE_AMI_PORT:-5038}"
SIP_PORT="${HOTLINE_SIP_PORT:-5060}"
ARI_USER="${HOTLINE_ARI_USER:-hotline}"
ARI_PASSWORD="${HOTLINE_ARI_PASSWORD:-hotline-dev-ari}"
ARI_APP="${HOTLINE_ARI_APP:-hotline}"
AMI_USER="${HOTLINE_AMI_USER:-hotline}"
AMI_PASSWORD="${HOTLINE_AMI_PASSWORD:-hotline-dev-ami}"
# Who may log in to AMI (address/mask): the Hotline nodes. Another host's nodes: e.g. 192.168.56.0/255.255.255.0.
AMI_PERMIT="${HOTLINE_AMI_PERMIT:-127.0.0.1/255.255.255.255}"
STARTED_MARK="$PBX_DIR/.hotline-started-by-pbx-up"
# /var/run is a symlink to /run inside the chroot: always use the real path.
PIDFILE="$PBX_DIR/run/asterisk/asterisk.pid"
PBX_LOG="$PBX_DIR/var/log/asterisk/messages"

# The main Asterisk of this chroot: a process whose root is $PBX_DIR, running /usr/sbin/asterisk on
# the default configuration (no -C: the attach tests' second instance has its own -C), and not a
# remote console (-r/-R/-x). Decided from /proc, never from the pid file alone: a booting Asterisk
# on a loaded box writes its pid file late (PBX-LAB.md, "Harness pitfall").
pbx_pids() {
  local d pid root args
  local want; want=$(readlink -f "$PBX_DIR")
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    root=$(readlink "$d/root" 2>/dev/null) || continue
    [ "$root" = "$want" ] || continue
    args=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
    case " $args" in
      *" -r"* | *" -R"* | *" -x"* | *" -rx"* | *" -C "*) continue ;;
    esac
    case "$args" in
      asterisk\ * | /usr/sbin/asterisk\ *) echo "$pid" ;;
    esac
  done
}

# The one running main Asterisk's pid; fails when none runs. (More than one is reported by pbx_pids.)
pbx_pid() {
  local pids; pids=$(pbx_pids)
  [ -n "$pids" ] || return 1
  echo "$pids" | head -n 1
}

# Serializes pbx:up and pbx:down: never two starts on the same configuration at once.
pbx_lock() {
  mkdir -p "$(dirname "$PBX_DIR")"
  exec 9>"$PBX_DIR.lock"
  flock -w 600 9 || { echo "pbx: another pbx:up/pbx:down still holds $PBX_DIR.lock after 10 min" >&2; exit 75; }
}

# Whether every thread of Asterisk `pid` runs at realtime priority (SCHED_RR: asterisk.conf
# highpriority). Policy is field 41 of /proc/<pid>/task/<tid>/stat (2 = SCHED_RR), counted after
# the thread's name, which may hold spaces: field 39 after the last ") ".
pbx_realtime() {
  local t policy
  for t in /proc/"$1"/task/*; do
    policy=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $39}') || continue
    [ -z "$policy" ] || [ "$policy" = 2 ] || return 1
  done
  [ -d /proc/"$1"/task ]
}

# Whether this machine lets root run a process at realtime priority (a container without
# CAP_SYS_NICE or without a realtime budget does not): only then is a normal-priority Asterisk
# a problem to mend; otherwise Asterisk runs at normal priority and pbx-check says so.
pbx_realtime_possible() { chrt -r 1 true 2>/dev/null; }

pbx_cli() { chroot "$PBX_DIR" asterisk -rx "$1"; }

# A value for the replacement of `sed "s|@NAME@|value|g"` (templates): escapes '|', '&' and '\'.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
