#!/usr/bin/env bash
# npm run typecheck (and before npm test): the service (tsc) and the console (vue-tsc) checked side
# by side; fails when either finds an error, with both reports shown.
set -uo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit &
server=$!
npx vue-tsc -p app/web/tsconfig.json --noEmit &
web=$!
status=0
wait "$server" || { echo "hotline: the service does not type-check (tsc, above)" >&2; status=1; }
wait "$web" || { echo "hotline: the console does not type-check (vue-tsc, above)" >&2; status=1; }
exit $status
