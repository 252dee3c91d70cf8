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

pbx_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

pbx_cli() { chroot "$PBX_DIR" asterisk -rx "$1"; }
