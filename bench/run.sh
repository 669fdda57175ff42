#!/usr/bin/env bash
# `npm run bench [-- --quick]`: makes sure of MariaDB and a Kubernetes API server, builds the
# app, then runs bench/bench.ts with tsx (the app as separate api and operator processes).
# - MariaDB: TEST_DATABASE_URL if set, else test/support/mariadb.sh (127.0.0.1:3306).
# - Kubernetes (reaction, auth, operator, ramp): the cluster KUBECONFIG names when it answers; else a
#   local control plane of its own in KIADA_CLUSTER_DIR (default /tmp/kiada-bench-cluster, never
#   the e2e one in /tmp/kiada-cluster), stopped again at the end (KIADA_KEEP_CLUSTER=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES_TAG=bench
# shellcheck source=../test/support/services.sh
source test/support/services.sh

ensure_database
# Only reaction, auth, operator and ramp need Kubernetes: --only without them starts no cluster.
only=$(printf '%s\n' "$@" | sed -n 's/^--only=//p')
if [ -z "$only" ] || printf '%s' ",$only," | grep -qE ',(reaction|auth|operator|ramp),'; then
  # Never the e2e suite's control plane (/tmp/kiada-cluster): its own, unless KUBECONFIG answers.
  export KIADA_CLUSTER_DIR="${KIADA_CLUSTER_DIR:-/tmp/kiada-bench-cluster}"
  ensure_cluster
fi

services_log "building the app"
npm run build --silent

node --import tsx bench/bench.ts "$@"
