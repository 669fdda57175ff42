#!/usr/bin/env bash
# `npm run test:e2e`: the e2e suites against a real MariaDB and a real Kubernetes API server.
# - MariaDB: TEST_DATABASE_URL if set, else test/support/mariadb.sh installs/starts one.
# - chromium (Debian's) for the browser test: installed when absent (CHROMIUM_PATH overrides).
# - Kubernetes: the cluster KUBECONFIG names when it answers (kind, a real cluster), else the
#   local control plane of test/cluster/ (built on first use, cached outside the repository),
#   started here and stopped again at the end.
# - schemathesis (PyPI, Python 3.11+): test/support/schemathesis.sh installs it once into
#   ~/.cache/kiada-autoscaler/schemathesis-venv (KIADA_SCHEMATHESIS_VENV).
# Extra arguments go to Jest (e.g. a path filter).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES_TAG=e2e
# shellcheck source=support/services.sh
source test/support/services.sh

ensure_database
ensure_cluster
if [ -n "$SERVICES_STARTED_CLUSTER" ]; then
  # Only the local control plane can restart its API server mid-test.
  export KIADA_CLUSTER_RESTART_APISERVER="bash test/cluster/restart-apiserver.sh"
fi
# helm renders the chart's RBAC for the suites; use the cached build when none is on PATH.
command -v helm >/dev/null || eval "$(bash test/cluster/build.sh --env helm)"
command -v helm >/dev/null || { services_log "helm is needed on PATH (test/cluster/build.sh helm builds it)"; exit 1; }
# schemathesis for the OpenAPI conformance suite: a virtualenv cached outside the repository.
eval "$(bash test/support/schemathesis.sh --env)"

# The dashboard's browser test drives Debian's chromium with playwright-core (no download).
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then
  services_log "installing Debian's chromium for the dashboard's browser test (apt-get, about a minute)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

services_log "building the app (the suites start dist/main.js as separate processes)"
npm run build --silent

# The suites' temporary files (kubeconfigs with tokens, rendered manifests, browser
# profiles) go to a directory of this run, removed at the end.
E2E_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/kiada-e2e.XXXXXX")
export TMPDIR=$E2E_TMPDIR
trap 'services_cleanup; rm -rf "$E2E_TMPDIR"' EXIT

node --experimental-vm-modules node_modules/jest/bin/jest.js --config test/jest-e2e.json --runInBand "$@"
