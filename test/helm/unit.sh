#!/usr/bin/env bash
# Unit tests of the Helm chart: the helm-unittest suites in helm/kiada-autoscaler/tests/
# (*_test.yaml, one per template or concern; each test named for what it checks), run by the
# helm-unittest plugin. helm and the plugin are the pinned builds of test/cluster/build.sh
# (from Go modules, cached under ~/.cache/kiada-autoscaler/cluster); missing ones are built
# first (helm-unittest: about 2 minutes on 2 cores, once).
#
# Usage: test/helm/unit.sh [helm unittest flags...]
#   e.g. test/helm/unit.sh -f 'tests/networkpolicies_test.yaml'   (a glob relative to the chart)
# Env:   KIADA_CLUSTER_CACHE   cache of the built binaries (see test/cluster/README.md)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# PATH (helm) and HELM_PLUGINS (helm-unittest) of the cached builds
eval "$(bash "$ROOT/test/cluster/build.sh" --env helm helm-unittest)"

start=$SECONDS
# --strict: a misspelt key in a suite fails instead of being ignored
helm unittest --strict "$@" "$ROOT/helm/kiada-autoscaler"
echo "chart unit tests passed in $((SECONDS - start))s"
