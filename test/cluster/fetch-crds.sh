#!/usr/bin/env bash
# Fetches the third-party CRDs the chart's optional objects need, from the Go modules that
# ship them (through the Go module proxy, like the binaries of build.sh), and caches them in
# ${KIADA_CLUSTER_CACHE:-$HOME/.cache/kiada-autoscaler/cluster}/crds/<module>@<version>/:
#   - ServiceMonitor, PrometheusRule: github.com/prometheus-operator/prometheus-operator
#   - HTTPRoute:                      sigs.k8s.io/gateway-api (standard channel)
# Versions and module checksums are pinned below; a module whose checksum differs is refused.
# Prints the absolute path of each CRD file on stdout (one per line); progress on stderr.
# Usage: fetch-crds.sh
#   then e.g.: fetch-crds.sh | xargs -n1 kubectl apply --server-side -f
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# module version h1-checksum (go.sum's) file-in-module...
PINNED=(
  "github.com/prometheus-operator/prometheus-operator v0.85.0 h1:M5xLCLEoaW2IJfnuCwFzzpL+jSVQu3KGT84Pye+fW8s= example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
  "sigs.k8s.io/gateway-api v1.6.3 h1:lKpJa5bGlraC/QeACvCpsHLdmO6y0iKfzVl6gzaFEYc= config/crd/standard/gateway.networking.k8s.io_httproutes.yaml"
)

log() { printf '[crds %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[crds] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "'go' not found in PATH (the CRDs are fetched as Go modules through the module proxy)"
export GOTOOLCHAIN=local
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

for entry in "${PINNED[@]}"; do
  read -r module version sum files <<<"$entry"
  dest="$CLUSTER_CACHE_ROOT/crds/${module//\//_}@$version"
  missing=0
  for f in $files; do [[ -s $dest/$(basename "$f") ]] || missing=1; done
  if ((missing)); then
    start=$SECONDS
    log "downloading $module@$version (go mod download)"
    # Outside any module, so no go.mod of the repository is read or changed.
    json=$(cd "$workdir" && GOFLAGS=-mod=mod go mod download -json "$module@$version") ||
      die "go mod download $module@$version failed (GOPROXY=$(go env GOPROXY)); see above"
    got=$(node -e 'const m = JSON.parse(require("fs").readFileSync(0, "utf8")); if (m.Error) { console.error(m.Error); process.exit(1); } console.log(`${m.Sum} ${m.Dir}`)' <<<"$json") ||
      die "go mod download $module@$version: $json"
    read -r got_sum dir <<<"$got"
    [[ $got_sum == "$sum" ]] || die "$module@$version has checksum $got_sum, expected $sum (pinned in $0)"
    mkdir -p "$dest.tmp"
    for f in $files; do
      [[ -f $dir/$f ]] || die "$module@$version has no $f"
      cp "$dir/$f" "$dest.tmp/"
      chmod 0644 "$dest.tmp/$(basename "$f")"
    done
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
    log "cached $(wc -w <<<"$files") CRD file(s) of $module@$version in $dest ($((SECONDS - start))s)"
  else
    log "reuse $dest"
  fi
  for f in $files; do printf '%s\n' "$dest/$(basename "$f")"; done
done
