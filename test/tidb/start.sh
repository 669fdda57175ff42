#!/usr/bin/env bash
# Starts tidb-server (unistore, one process) on 127.0.0.1 and a free port, with its data,
# log and pid in ${KIADA_TIDB_DIR:-/tmp/kiada-tidb}, and creates the database kiada_test.
# The binary comes from build.sh (built on first use, cached).
# Usage:
#   start.sh          start (idempotent: if it runs, only says so)
#   start.sh --env    print `export TEST_DATABASE_URL=mysql://root@127.0.0.1:<port>/kiada_test`
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S=$TIDB_STATE_DIR

log() { printf '[tidb %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[tidb] ERROR: %s\n' "$*" >&2; exit 1; }
alive() { # the pid file names a live tidb-server of this cache
  local pid
  pid=$(cat "$S/tidb.pid" 2>/dev/null) || return 1
  [[ -n $pid && $(readlink "/proc/$pid/exe" 2>/dev/null) == "$TIDB_BIN"* ]]
}
url() { printf 'mysql://root@127.0.0.1:%s/kiada_test' "$(cat "$S/port")"; }

if [[ ${1:-} == --env ]]; then
  alive || die "tidb-server is not running in $S (run test/tidb/start.sh)"
  printf 'export TEST_DATABASE_URL=%s\n' "$(url)"
  exit 0
fi
if alive; then
  log "tidb-server already runs in $S: $(url)"
  exit 0
fi

[[ -x $TIDB_BIN ]] || bash "$TIDB_SRC_DIR/build.sh"
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=
for _ in $(seq 1 200); do
  candidate=$((20000 + RANDOM % 12000))
  if port_free "$candidate" && ! ss -Htan "sport = :$candidate" 2>/dev/null | grep -q .; then
    port=$candidate
    break
  fi
done
[[ -n $port ]] || die "no free port found"

rm -rf "$S"
mkdir -p "$S"
echo "$port" >"$S/port"
# Loopback only, no status port, no Unix socket; a fresh unistore store in $S/data.
setsid "$TIDB_BIN" -store unistore -path "$S/data" -host 127.0.0.1 -P "$port" \
  -report-status=false -socket "" -L warn -log-file "$S/tidb.log" \
  >>"$S/stdout.log" 2>&1 </dev/null &
echo $! >"$S/tidb.pid"
log "starting tidb-server $TIDB_VERSION on 127.0.0.1:$port (state in $S)"

# Ready when it accepts a connection: then create the tests' base database.
cd "$TIDB_SRC_DIR/../.."
if ! TIDB_PORT=$port node --input-type=module -e "
  import { createConnection } from 'mysql2/promise';
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await createConnection({ host: '127.0.0.1', port: Number(process.env.TIDB_PORT), user: 'root' });
      await connection.query('CREATE DATABASE IF NOT EXISTS kiada_test');
      await connection.end();
      break;
    } catch (error) {
      if (Date.now() > deadline) { console.error(String(error)); process.exit(1); }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
"; then
  tail -20 "$S/stdout.log" "$S/tidb.log" >&2 || true
  die "tidb-server did not accept connections within 60 s (logs in $S)"
fi
alive || die "tidb-server exited (logs in $S)"
log "ready: $(url)"
