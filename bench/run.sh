#!/usr/bin/env bash
# `npm run bench [-- --quick]`: makes sure of MariaDB and a Kubernetes API server, builds the
# app, then runs bench/bench.ts with tsx (the app as separate api and operator processes).
# - MariaDB: TEST_DATABASE_URL if set, else test/support/mariadb.sh (127.0.0.1:3306).
# - Kubernetes: the cluster KUBECONFIG names when it answers; else a local control plane of
#   its own in KIADA_CLUSTER_DIR=/tmp/kiada-bench-cluster (never the e2e one in
#   /tmp/kiada-cluster), stopped again at the end (KIADA_KEEP_CLUSTER=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES_TAG=bench
# shellcheck source=../test/support/services.sh
source test/support/services.sh

ensure_database
# Never the e2e suite's control plane (/tmp/kiada-cluster): its own, unless KUBECONFIG answers.
export KIADA_CLUSTER_DIR=/tmp/kiada-bench-cluster
ensure_cluster

services_log "building the app"
npm run build --silent

node --import tsx bench/bench.ts "$@"
