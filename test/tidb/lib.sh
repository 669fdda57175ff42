# shellcheck shell=bash
# Common settings of build.sh, start.sh, stop.sh and e2e.sh. Sourced, not executed.
# The version is the one go/go.mod requires (its single source of truth).

TIDB_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIDB_VERSION=$(awk '$1=="github.com/pingcap/tidb" && $2 ~ /^v/ {print $2; exit}' "$TIDB_SRC_DIR/go/go.mod")
[[ -n $TIDB_VERSION ]] || { echo "error: cannot read the TiDB version from $TIDB_SRC_DIR/go/go.mod" >&2; return 1 2>/dev/null || exit 1; }
TIDB_CACHE_ROOT=${KIADA_TIDB_CACHE:-$HOME/.cache/kiada-autoscaler/tidb}
TIDB_BIN=$TIDB_CACHE_ROOT/$TIDB_VERSION/bin/tidb-server
TIDB_STATE_DIR=${KIADA_TIDB_DIR:-/tmp/kiada-tidb}
