#!/usr/bin/env bash
# The one test command (README.md, docs/testing.md, .ci/run): installs what the tests need, then runs lint,
# prettier --check, unit tests, the MariaDB e2e suite, the suites against a real Kubernetes API server, the
# database suites again on TiDB, the demo (`npm run demo -- --ci`), the container image check (built with
# buildah, run with podman, no Docker engine), and the real-node suite (the chart installed onto a node that runs
# real containers, docs/real-node.md).
# MariaDB and the cluster are started once and shared by the e2e suite and the image check.
# Idempotent: safe to run twice on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

step "installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund

step "starting MariaDB for the tests"
SERVICES_TAG=run-all
# shellcheck source=support/services.sh
source test/support/services.sh
ensure_database

step "lint, formatting and type check"
npm run lint
npm run format:check
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p dashboard/tsconfig.json

step "unit tests"
npm test -- --ci

step "Helm chart unit tests (helm-unittest) and checks (lint, metrics contract, package)"
eval "$(bash test/cluster/build.sh --env)"
bash test/helm/unit.sh
bash test/helm/check-chart.sh

step "e2e tests: MariaDB, and a real Kubernetes API server (the local control plane unless KUBECONFIG names one)"
# One cluster for the e2e suite and the image check; a local one is stopped on exit.
ensure_cluster
if [ -n "$SERVICES_STARTED_CLUSTER" ]; then
  export KIADA_CLUSTER_RESTART_APISERVER="bash test/cluster/restart-apiserver.sh"
fi
npm run test:e2e -- --ci

step "the database suites again on TiDB (tidb-server built from Go modules on first use and cached, started on loopback)"
npm run test:tidb -- --ci

step "demo: npm run demo -- --ci (sign-ups and logins over HTTP scale Deployment kiada on the cluster above)"
npm run demo -- --ci

step "container image: Dockerfile built with buildah, every role run with podman as the chart runs it"
bash test/image/check.sh

step "real node: helm install onto a node that runs real containers, fenced in its own network namespace (test/node/run.sh)"
# its own cluster (KIADA_NODE_CLUSTER_DIR), not the one above: that one's nodes are fake
env -u KUBECONFIG bash test/node/run.sh --ci

step "all test steps passed"
