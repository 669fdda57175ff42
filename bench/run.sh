#!/usr/bin/env bash
# `npm run bench [-- --quick]`: makes sure of MariaDB and a Kubernetes API server, builds the
# app, then runs bench/bench.mjs (the app as separate api and operator processes).
# - MariaDB: TEST_DATABASE_URL if set, else test/support/mariadb.sh (127.0.0.1:3306).
# - Kubernetes: the cluster KUBECONFIG names when it answers; else a local control plane of
#   its own in KIADA_CLUSTER_DIR=/tmp/kiada-bench-cluster (never the e2e one in
#   /tmp/kiada-cluster), stopped again at the end (KIADA_KEEP_CLUSTER=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[bench] %s\n' "$*" >&2; }

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(bash test/support/mariadb.sh | tail -n 1 | sed 's/^TEST_DATABASE_URL=//')"
  export TEST_DATABASE_URL
fi

export KIADA_CLUSTER_DIR=/tmp/kiada-bench-cluster
started_cluster=""
cleanup() {
  if [ -n "$started_cluster" ] && [ -z "${KIADA_KEEP_CLUSTER:-}" ]; then
    log "stopping the benchmark's control plane ($KIADA_CLUSTER_DIR)"
    bash test/cluster/stop.sh >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

cluster_answers() { [ -n "${KUBECONFIG:-}" ] && command -v kubectl >/dev/null && kubectl get --raw /readyz >/dev/null 2>&1; }

if cluster_answers; then
  log "using the cluster KUBECONFIG names ($KUBECONFIG)"
else
  log "KUBECONFIG does not point at a live cluster: starting a local control plane in $KIADA_CLUSTER_DIR"
  started_cluster=1
  bash test/cluster/start.sh
  eval "$(bash test/cluster/start.sh --env)"
fi

log "building the app"
npm run build --silent

node bench/bench.mjs "$@"
