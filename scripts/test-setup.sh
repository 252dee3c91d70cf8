#!/usr/bin/env bash
# `npm test` runs this first (pretest): it installs what the tests need when it is missing —
# Debian packages (Chromium, sipp, slapd, MariaDB, ...), a running MariaDB with the test user,
# the npm dependencies, the Asterisk 22 chroot — and is a few cheap checks (one dpkg query, a
# MariaDB login, two files) when everything is there. Installing needs root; without root and
# with something missing it says in one line what to run. Idempotent: run it as often as you like.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive

PKGS=(chromium fonts-noto-cjk sip-tester kamailio espeak-ng pocketsphinx pocketsphinx-en-us sox libsox-fmt-mp3 slapd ldap-utils openssl keepalived ruby
  libreoffice-calc-nogui libreoffice-writer-nogui libreoffice-draw-nogui ghostscript libtiff-tools poppler-utils debootstrap mariadb-server mariadb-client curl ca-certificates python3 make g++ git)
PBX_DIR="${HOTLINE_PBX_DIR:-/var/lib/hotline/pbx}"
# The account the tests use (test/support/db.ts has the same defaults).
DB_HOST="${HOTLINE_TEST_MARIADB_HOST:-127.0.0.1}"
DB_PORT="${HOTLINE_TEST_MARIADB_PORT:-3306}"
DB_USER="${HOTLINE_TEST_MARIADB_USER:-hotline_ci}"
DB_PASSWORD="${HOTLINE_TEST_MARIADB_PASSWORD-hotline-ci-db}"

step() { printf '== test setup: %s\n' "$*"; }

missing_packages() {
  local installed
  installed="$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PKGS[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }' || true)"
  for p in "${PKGS[@]}"; do grep -qx "$p" <<<"$installed" || echo "$p"; done
}
db_login() { MYSQL_PWD="$DB_PASSWORD" mariadb --protocol=tcp -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" -e 'SELECT 1' >/dev/null 2>&1; }

# --- the cheap check -----------------------------------------------------------------------
need_pkgs=($(missing_packages))
need_db=0; db_login || need_db=1
need_npm=0; [ -f node_modules/.package-lock.json ] || need_npm=1
need_pbx=0; [ -f "$PBX_DIR/.hotline-chroot-ready" ] || need_pbx=1
if [ ${#need_pkgs[@]} -eq 0 ] && [ $need_db -eq 0 ] && [ $need_npm -eq 0 ] && [ $need_pbx -eq 0 ]; then exit 0; fi

if [ "$(id -u)" -ne 0 ] && { [ ${#need_pkgs[@]} -gt 0 ] || [ $need_db -eq 1 ] || [ $need_pbx -eq 1 ]; }; then
  what=()
  [ ${#need_pkgs[@]} -gt 0 ] && what+=("Debian packages (${need_pkgs[*]})")
  [ $need_db -eq 1 ] && what+=("MariaDB running with the test user $DB_USER@$DB_HOST:$DB_PORT")
  [ $need_pbx -eq 1 ] && what+=("the Asterisk chroot at $PBX_DIR")
  printf 'hotline: npm test needs %s; run it once as root, which installs what is missing: sudo npm test\n' "$(IFS=';'; echo "${what[*]}" | sed 's/;/, /g')" >&2
  exit 1
fi

# --- installing what is missing (as root, except npm ci) ------------------------------------
if [ ${#need_pkgs[@]} -gt 0 ]; then
  step "apt-get install ${need_pkgs[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  # Debian's kamailio service (its sample config on SIP port 5060, Asterisk's) is not ours: the
  # SIP front runs from scripts/sip-front-up.sh. Where a service manager started it, stop it.
  if [[ " ${need_pkgs[*]} " == *" kamailio "* ]]; then
    if [ -d /run/systemd/system ]; then systemctl disable --now kamailio >/dev/null 2>&1 || true; fi
    pkill -f 'kamailio.*/etc/kamailio/kamailio.cfg' 2>/dev/null || true
  fi
fi

if [ $need_db -eq 1 ]; then
  step "MariaDB and the test user $DB_USER"
  if ! mariadb-admin ping --silent >/dev/null 2>&1; then
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --chuid mysql --exec /usr/sbin/mariadbd
    for _ in $(seq 1 60); do mariadb-admin ping --silent >/dev/null 2>&1 && break; sleep 1; done
  fi
  mariadb-admin ping
  if [ "$DB_USER" = hotline_ci ]; then
    # A dedicated test account over TCP (a fresh install gives root socket auth only).
    mariadb -uroot <<SQL
CREATE USER IF NOT EXISTS 'hotline_ci'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS 'hotline_ci'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'hotline_ci'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'hotline_ci'@'localhost';
SQL
  fi
  db_login || { echo "hotline: MariaDB does not accept $DB_USER@$DB_HOST:$DB_PORT (HOTLINE_TEST_MARIADB_*)" >&2; exit 1; }
fi

# npm ci (better-sqlite3 compiles, the console builds) and the Asterisk chroot (debootstrap, apt in
# the chroot) need nothing of each other: on a fresh machine they run side by side.
npm_pid=''
npm_log=''
if [ $need_npm -eq 1 ]; then
  npm_log="$(mktemp -t hotline-npm-ci.XXXXXX)"
  step "npm ci (alongside the rest; its output in $npm_log)"
  npm ci --no-audit --no-fund >"$npm_log" 2>&1 &
  npm_pid=$!
fi

if [ $need_pbx -eq 1 ]; then
  step "Asterisk 22 chroot (scripts/pbx-up.sh)"
  if ! bash scripts/pbx-up.sh; then
    [ -n "$npm_pid" ] && kill "$npm_pid" 2>/dev/null
    echo "hotline: the Asterisk chroot could not be set up (above)" >&2
    exit 1
  fi
fi

if [ -n "$npm_pid" ]; then
  if ! wait "$npm_pid"; then
    cat "$npm_log" >&2
    echo "hotline: npm ci failed (its output above)" >&2
    exit 1
  fi
  tail -n 3 "$npm_log"
  step "npm ci: done"
fi
step "done"
