#!/usr/bin/env bash
# `npm run test:tidb`: the database suites against TiDB (tidb-server with unistore, built or
# reused by build.sh, started on loopback by start.sh and stopped again at the end):
#   test/auth     sign-up, log-in, sessions, the kept active-user count under concurrency,
#                 throttling (also across two processes): every statement the app sends;
#   test/scaling  active users to decisions, on the count.
# Left out: test/auth/database-outage (it SIGKILLs a MariaDB server of its own; the outage
# path is the driver's, the same for both) and the suites that need Kubernetes (their
# database use is the one above). Extra arguments go to Jest.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source test/tidb/lib.sh

bash test/tidb/build.sh
started=""
if ! bash test/tidb/start.sh --env >/dev/null 2>&1; then
  bash test/tidb/start.sh
  started=1
fi
trap 'if [[ -n $started ]]; then bash test/tidb/stop.sh; fi' EXIT
eval "$(bash test/tidb/start.sh --env)"
printf '[tidb] the database suites on %s\n' "$TEST_DATABASE_URL" >&2

# test/auth/throttling-replicas starts the api as processes from dist/.
npm run build --silent
# (--testPathIgnorePatterns last: it takes every argument after it.)
node --experimental-vm-modules node_modules/jest/bin/jest.js --config test/jest-e2e.json --runInBand \
  test/auth test/scaling "$@" --testPathIgnorePatterns database-outage
