#!/usr/bin/env bash
# Builds tidb-server (TiDB with its embedded unistore store, one process) from the pinned
# wrapper module in go/ into ${KIADA_TIDB_CACHE:-$HOME/.cache/kiada-autoscaler/tidb}/<version>/bin,
# or reuses the binary already there. About 5 minutes on 2 cores with empty Go caches, plus
# the module downloads; progress every 30 s.
# Usage: build.sh [--force] [--env]   (--env: print `export KIADA_TIDB_SERVER=<path>` on stdout)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=0
print_env=0
for a in "$@"; do
  case $a in
    --force) force=1 ;;
    --env) print_env=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

log() { printf '[tidb-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[tidb-build] ERROR: %s\n' "$*" >&2; exit 1; }
emit_env() { ((print_env)) && printf 'export KIADA_TIDB_SERVER=%s\n' "$TIDB_BIN"; return 0; }

if [[ $force == 0 && -x $TIDB_BIN ]]; then
  log "reuse tidb-server $TIDB_VERSION ($TIDB_BIN)"
  emit_env
  exit 0
fi

command -v go >/dev/null 2>&1 || die "'go' not found in PATH. Install Go >= 1.24 (go/go.mod builds TiDB $TIDB_VERSION with it)."
export GOTOOLCHAIN=local          # never download another toolchain
# go.mod/go.sum are pinned: never rewrite them; no VCS stamping (the repo is not the source)
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly -buildvcs=false"
export CGO_ENABLED=0              # a static binary; TiDB needs no C code with unistore
log_dir=$TIDB_CACHE_ROOT/$TIDB_VERSION/logs
mkdir -p "$(dirname "$TIDB_BIN")" "$log_dir"

proxy_hint() { # <log file>
  if grep -qE '403 Forbidden|404 Not Found|410 Gone|not available|dial tcp|no such host|i/o timeout|TLS handshake|checksum mismatch|SECURITY ERROR|missing go.sum entry|disabled by GOPROXY|reading https:' "$1"; then
    printf '[tidb-build] ERROR: the Go module proxy (GOPROXY=%s) refused or could not serve a module, or go.sum does not match:\n' "$(go env GOPROXY)" >&2
    grep -E '403|404|410|not available|dial tcp|no such host|timeout|TLS|checksum|SECURITY|go.sum|GOPROXY|reading https:' "$1" | head -5 | sed 's/^/    /' >&2
  fi
}

hb_pid=
trap '[[ -n $hb_pid ]] && kill "$hb_pid" 2>/dev/null || true' EXIT
heartbeat() { # <what> <start>: a line every 30 s until killed (its sleep with it)
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 30 & sleeper=$!
      wait "$sleeper"
      log "  ... still $1 ($((SECONDS - $2))s)"
    done
  ) &
  hb_pid=$!
}
stop_heartbeat() { kill "$hb_pid" 2>/dev/null || true; wait "$hb_pid" 2>/dev/null || true; hb_pid=; }

package=github.com/pingcap/tidb/cmd/tidb-server
start=$SECONDS
# Fail fast: resolve (and download) every module the server needs before compiling anything.
log "resolving and downloading the modules of tidb-server $TIDB_VERSION (GOPROXY=$(go env GOPROXY))"
heartbeat "downloading modules" "$start"
rc=0
(cd "$TIDB_SRC_DIR/go" && go list -deps -tags codes "$package" >/dev/null) 2>"$log_dir/resolve.log" || rc=$?
stop_heartbeat
if ((rc != 0)); then
  tail -20 "$log_dir/resolve.log" >&2
  proxy_hint "$log_dir/resolve.log"
  die "cannot resolve the modules of tidb-server (log: $log_dir/resolve.log)"
fi
log "modules ready in $((SECONDS - start))s; compiling (about 5 minutes on 2 cores with an empty build cache)"
compile_start=$SECONDS
heartbeat "compiling tidb-server" "$compile_start"
# -tags codes: TiDB's release builds leave its test-only mocks out with it (Makefile.common).
ldflags="-s -w -X github.com/pingcap/tidb/pkg/parser/mysql.TiDBReleaseVersion=$TIDB_VERSION"
(cd "$TIDB_SRC_DIR/go" &&
  go build -trimpath -tags codes -ldflags "$ldflags" -o "$TIDB_BIN.tmp" "$package") \
  >"$log_dir/build.log" 2>&1 || rc=$?
stop_heartbeat
if ((rc != 0)); then
  rm -f "$TIDB_BIN.tmp"
  tail -30 "$log_dir/build.log" >&2
  proxy_hint "$log_dir/build.log"
  die "building tidb-server failed (log: $log_dir/build.log)"
fi
mv -f "$TIDB_BIN.tmp" "$TIDB_BIN"
log "built tidb-server in $((SECONDS - compile_start))s ($((SECONDS - start))s with the modules; $(du -h "$TIDB_BIN" | cut -f1)): $TIDB_BIN"
echo "$(date -u +%FT%TZ) tidb-server modules $((compile_start - start))s compile $((SECONDS - compile_start))s" >>"$TIDB_CACHE_ROOT/$TIDB_VERSION/build-times.txt"
emit_env
