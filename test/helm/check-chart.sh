#!/usr/bin/env bash
# Checks of the Helm chart helm/kiada-autoscaler that its unit tests (test/helm/unit.sh,
# helm-unittest) do not cover. No cluster needed:
#   - the README's values table is in sync with values.yaml, every value documented;
#   - `helm lint --strict` with the default, the external-database and the all-features values;
#   - the same values render the same objects: `helm template` twice, diffed (GitOps tools
#     such as Argo CD render with `helm template`, where nothing random may appear), and no
#     template calls a function whose output changes between renders (rand*, uuidv4, now,
#     gen*: two quick renders could still agree);
#   - the monitoring names only metrics the app exports (test/helm/metrics-contract.cjs on
#     the all-features render: the PrometheusRule's alerts and the dashboard JSON, which
#     must parse);
#   - the packaged chart leaves out its unit tests.
# Prints one line per check, then "N passed, M failed"; exits 1 when a check failed.
#
# Usage: test/helm/check-chart.sh
# Env:   HELM          helm binary (default: helm on PATH, else the one test/cluster/build.sh
#                      builds into its cache)
#        KUBE_VERSION  Kubernetes version for lint/template (default 1.36.0)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$ROOT/helm/kiada-autoscaler
VALUES=$ROOT/test/helm/values
KUBE_VERSION=${KUBE_VERSION:-1.36.0}
RELEASE=kiada-autoscaler
NAMESPACE=kiada

find_helm() {
  if [[ -n ${HELM:-} ]]; then printf '%s\n' "$HELM"; return; fi
  if command -v helm >/dev/null 2>&1; then command -v helm; return; fi
  # shellcheck source=../cluster/lib.sh
  if source "$ROOT/test/cluster/lib.sh" 2>/dev/null && [[ -x $CLUSTER_BIN_DIR/helm ]]; then
    printf '%s\n' "$CLUSTER_BIN_DIR/helm"; return
  fi
  return 1
}
HELM=$(find_helm) || {
  echo "error: helm not found: put it on PATH, set HELM=..., or run test/cluster/build.sh helm" >&2
  exit 2
}
command -v node >/dev/null 2>&1 || { echo "error: node not found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok     %s\n' "$1"; }
fail() {
  failed=$((failed + 1)); printf 'FAILED %s\n' "$1"
  [[ -n ${2:-} ]] && printf '%s\n' "$2" | head -n 25 | sed 's/^/         /'
}
check() { # <name> <command...>: passes when the command exits 0; shows its output otherwise
  local name=$1 out; shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# --- documentation ---------------------------------------------------------------------------
check "values.yaml: every value has a # -- description" \
  node "$ROOT/test/helm/values-doc.cjs" "$CHART/values.yaml" --check
node "$ROOT/test/helm/values-doc.cjs" "$CHART/values.yaml" >"$tmp/table.md" 2>&1
sed -n '/<!-- values-table:start -->/,/<!-- values-table:end -->/{//!p}' "$CHART/README.md" >"$tmp/readme-table.md"
if out=$(diff "$tmp/table.md" "$tmp/readme-table.md" 2>&1); then
  pass "README.md: values table matches values.yaml"
else
  fail "README.md: values table matches values.yaml" \
    "regenerate it between the values-table markers with: node test/helm/values-doc.cjs helm/kiada-autoscaler/values.yaml"$'\n'"$out"
fi

# --- lint ------------------------------------------------------------------------------------
lint() { # <name> [args...]
  local name=$1; shift
  check "$name" "$HELM" lint --strict "$CHART" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" "$@"
}
lint "helm lint --strict (default values)"
lint "helm lint --strict (external database)" -f "$VALUES/external-database.yaml"
lint "helm lint --strict (every optional feature on)" -f "$VALUES/all-features.yaml"

# --- the same render twice ------------------------------------------------------------------
same_render() { # <values file or ""> : two renders, byte for byte
  local values=() first second
  [[ -n $1 ]] && values=(-f "$1")
  first=$("$HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" "${values[@]}") || return
  second=$("$HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" "${values[@]}") || return
  diff <(printf '%s\n' "$first") <(printf '%s\n' "$second")
}
check "helm template twice: the same output (default values)" same_render ""
check "helm template twice: the same output (every optional feature on)" same_render "$VALUES/all-features.yaml"
check "helm template twice: the same output (external database, generated session secret)" \
  same_render "$VALUES/external-database-generated.yaml"
# What differs between two renders even when two quick ones agree: random values, generated
# keys, the clock. (lookup is allowed: it reads nothing under `helm template`, the same each time.)
changing=$(grep -nE '\{\{[^}]*\b(rand(AlphaNum|Alpha|Numeric|Ascii|Bytes|Int)|uuidv4|now|date(InZone|Modify)?|unixEpoch|genPrivateKey|genCA|genSelfSignedCert|genSignedCert|htpasswd|bcrypt|derivePassword)\b' \
  "$CHART"/templates/*.yaml "$CHART"/templates/*.tpl "$CHART"/templates/*.txt "$CHART"/templates/tests/*.yaml || true)
if [[ -z $changing ]]; then
  pass "no template calls a random, key-generating or clock function"
else
  fail "no template calls a random, key-generating or clock function" "$changing"
fi

# --- monitoring contract -------------------------------------------------------------------------
all=$tmp/all-features.yaml
if out=$("$HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" \
  -f "$VALUES/all-features.yaml" 2>&1 >"$all"); then
  check "alerts and dashboard name only metrics the app exports; the dashboard JSON parses" \
    node "$ROOT/test/helm/metrics-contract.cjs" "$all"
else
  fail "render with every optional feature on" "$out"
fi

# --- package ---------------------------------------------------------------------------------
packaged() {
  "$HELM" package "$CHART" --destination "$tmp/package" >/dev/null || return
  local files
  files=$(tar -tzf "$tmp"/package/kiada-autoscaler-*.tgz) || return
  if grep -q '^kiada-autoscaler/tests/' <<<"$files"; then
    echo "the package contains the unit tests (add /tests/ to .helmignore):"; grep '^kiada-autoscaler/tests/' <<<"$files"; return 1
  fi
  for f in templates/tests/test-connection.yaml dashboards/kiada-autoscaler.json values.schema.json crds/kiadaservicecounts.hanyang.ac.kr.yaml templates/crd-upgrade-job.yaml; do
    grep -qx "kiada-autoscaler/$f" <<<"$files" || { echo "the package lacks $f"; return 1; }
  done
}
check "helm package: unit tests left out; helm test pod, dashboard, schema and CRD included" packaged

echo "$passed passed, $failed failed"
((failed == 0))
