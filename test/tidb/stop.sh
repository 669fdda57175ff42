#!/usr/bin/env bash
# Stops the tidb-server start.sh started in ${KIADA_TIDB_DIR:-/tmp/kiada-tidb} (SIGTERM, SIGKILL
# after 10 s) and removes its data. Safe to run when nothing runs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S=$TIDB_STATE_DIR
pid=$(cat "$S/tidb.pid" 2>/dev/null || true)
if [[ -n $pid && $(readlink "/proc/$pid/exe" 2>/dev/null) == "$TIDB_BIN"* ]]; then
  kill "$pid"
  for _ in $(seq 1 100); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
  [[ -e /proc/$pid ]] && kill -9 "$pid"
  printf '[tidb] stopped tidb-server (pid %s)\n' "$pid" >&2
fi
rm -rf "$S"
