#!/usr/bin/env bash
# Creates (first time) the Debian testing chroot that holds Asterisk 22.
# Idempotent: a chroot that is already complete is left as it is.
# See ../shared/PBX-LAB.md for why each step is here.
set -euo pipefail
PBX_DIR="${HOTLINE_PBX_DIR:-/var/lib/hotline/pbx}"
MIRROR="${HOTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
READY="$PBX_DIR/.hotline-chroot-ready"

if [ -f "$READY" ]; then
  echo "pbx: reusing Asterisk chroot at $PBX_DIR"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  echo "pbx: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null
fi
echo "pbx: creating Asterisk 22 chroot at $PBX_DIR (Debian forky, about 2 minutes)"
rm -rf "$PBX_DIR"
mkdir -p "$PBX_DIR"
debootstrap --variant=minbase \
  --include=asterisk,asterisk-modules,asterisk-core-sounds-en-gsm \
  forky "$PBX_DIR" "$MIRROR" /usr/share/debootstrap/scripts/sid >"$PBX_DIR.debootstrap.log" 2>&1 || {
  echo "pbx: debootstrap failed; see $PBX_DIR.debootstrap.log" >&2
  tail -n 20 "$PBX_DIR.debootstrap.log" >&2
  exit 1
}
chroot "$PBX_DIR" asterisk -V
touch "$READY"
