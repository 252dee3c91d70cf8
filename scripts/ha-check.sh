#!/usr/bin/env bash
# keepalived track script: exits 0 only while the Hotline node at $1 (default http://127.0.0.1:8080)
# is the active one, so the virtual IP follows Hotline's own leadership (the MariaDB lease)
# instead of deciding it: keepalived never makes a node active, it only points clients at it.
set -uo pipefail
URL="${1:-http://127.0.0.1:8080}"
body=$(curl -fsS --max-time 2 "$URL/health" 2>/dev/null) || exit 1
printf '%s' "$body" | grep -Eq '"role"[[:space:]]*:[[:space:]]*"active"'
