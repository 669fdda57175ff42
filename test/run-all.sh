#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, then runs lint,
# prettier --check, unit tests, the MariaDB e2e suite, and the suites against a real Kubernetes API server.
# Idempotent: safe to run twice on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

step "installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund

step "starting MariaDB for the tests"
TEST_DATABASE_URL="$(bash test/support/mariadb.sh | tail -n 1 | sed 's/^TEST_DATABASE_URL=//')"
export TEST_DATABASE_URL

step "lint, formatting and type check"
npm run lint
npm run format:check
npx tsc --noEmit -p tsconfig.json

step "unit tests"
npm test -- --ci

step "Helm chart unit tests (helm-unittest) and checks (lint, metrics contract, package)"
eval "$(bash test/cluster/build.sh --env)"
bash test/helm/unit.sh
bash test/helm/check-chart.sh

step "e2e tests: MariaDB, and a real Kubernetes API server (the local control plane unless KUBECONFIG names one)"
npm run test:e2e -- --ci

step "all test steps passed"
