# shellcheck shell=bash
# Sourced by test/e2e.sh and bench/run.sh: makes sure of the services they need.
#   ensure_database            TEST_DATABASE_URL as given, else test/support/mariadb.sh
#   ensure_cluster             the cluster KUBECONFIG names when it answers, else the local
#                              control plane in $KIADA_CLUSTER_DIR (started here, and stopped
#                              on exit unless KIADA_KEEP_CLUSTER=1)
# Both export what they found; call from the repository root.

services_log() { printf '[%s] %s\n' "${SERVICES_TAG:-services}" "$*" >&2; }

ensure_database() {
  if [ -z "${TEST_DATABASE_URL:-}" ]; then
    TEST_DATABASE_URL="$(bash test/support/mariadb.sh | tail -n 1 | sed 's/^TEST_DATABASE_URL=//')"
  fi
  export TEST_DATABASE_URL
}

SERVICES_STARTED_CLUSTER=""
services_cleanup() {
  if [ -n "$SERVICES_STARTED_CLUSTER" ] && [ -z "${KIADA_KEEP_CLUSTER:-}" ]; then
    services_log "stopping the local control plane in ${KIADA_CLUSTER_DIR:-/tmp/kiada-cluster} (KIADA_KEEP_CLUSTER=1 keeps it)"
    bash test/cluster/stop.sh >/dev/null 2>&1 || true
  fi
}

ensure_cluster() {
  if [ -n "${KUBECONFIG:-}" ] && command -v kubectl >/dev/null && kubectl get --raw /readyz >/dev/null 2>&1; then
    services_log "using the cluster KUBECONFIG names ($KUBECONFIG)"
    return 0
  fi
  services_log "KUBECONFIG does not point at a live cluster: starting the local control plane in ${KIADA_CLUSTER_DIR:-/tmp/kiada-cluster}"
  SERVICES_STARTED_CLUSTER=1
  trap services_cleanup EXIT
  bash test/cluster/start.sh
  eval "$(bash test/cluster/start.sh --env)"
}
