#!/usr/bin/env bash
# `npm run test:e2e`: the e2e suites against a real MariaDB and a real Kubernetes API server.
# - MariaDB: TEST_DATABASE_URL if set, else test/support/mariadb.sh installs/starts one.
# - Kubernetes: the cluster KUBECONFIG names when it answers (kind, a real cluster), else the
#   local control plane of test/cluster/ (built on first use, cached outside the repository),
#   started here and stopped again at the end.
# Extra arguments go to Jest (e.g. a path filter).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[e2e] %s\n' "$*" >&2; }

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(bash test/support/mariadb.sh | tail -n 1 | sed 's/^TEST_DATABASE_URL=//')"
  export TEST_DATABASE_URL
fi

started_cluster=""
cleanup() {
  if [ -n "$started_cluster" ] && [ -z "${KIADA_KEEP_CLUSTER:-}" ]; then
    log "stopping the local control plane (KIADA_KEEP_CLUSTER=1 keeps it)"
    bash test/cluster/stop.sh >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

cluster_answers() { [ -n "${KUBECONFIG:-}" ] && command -v kubectl >/dev/null && kubectl get --raw /readyz >/dev/null 2>&1; }

if cluster_answers; then
  log "using the cluster KUBECONFIG names ($KUBECONFIG)"
else
  log "KUBECONFIG does not point at a live cluster: starting the local control plane"
  bash test/cluster/start.sh
  eval "$(bash test/cluster/start.sh --env)"
  started_cluster=1
  # Only the local control plane can restart its API server mid-test.
  export KIADA_CLUSTER_RESTART_APISERVER="bash test/cluster/restart-apiserver.sh"
fi
# helm renders the chart's RBAC for the suites; use the cached build when none is on PATH.
command -v helm >/dev/null || eval "$(bash test/cluster/build.sh --env helm)"
command -v helm >/dev/null || { log "helm is needed on PATH (test/cluster/build.sh helm builds it)"; exit 1; }

log "building the app (the suites start dist/main.js as separate processes)"
npm run build --silent

node --experimental-vm-modules node_modules/jest/bin/jest.js --config test/jest-e2e.json --runInBand "$@"
