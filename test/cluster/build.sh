#!/usr/bin/env bash
# Builds the local control plane binaries from the pinned Go wrapper modules in go/:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, helm
# into ${KIADA_CLUSTER_CACHE:-$HOME/.cache/kiada-autoscaler/cluster}/<versions>/bin,
# and the helm-unittest plugin (go/helm-unittest) into
# ${KIADA_CLUSTER_CACHE:-...}/helm-unittest-<version>/plugins/unittest (plugin.yaml + binary),
# and, when asked for (`node`), the real node's kubelet, kube-proxy, coredns, kube-router and
# local-path-provisioner into ${KIADA_CLUSTER_CACHE:-...}/node-<versions>/bin.
# Binaries that already exist there are reused; only missing ones are built.
# Usage: build.sh [--force] [--env] [binary ... | node]  (default: all binaries but the node's)
#   node:  the real node's binaries (start.sh --real-node builds them on demand)
#   --env: after building, print `export PATH=<bin dir>:$PATH` on stdout (for eval), plus
#          `export HELM_PLUGINS=<plugins dir>` when helm-unittest was asked for;
#          all progress goes to stderr.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=0
print_env=0
want=()
for a in "$@"; do
  case $a in
    --force) force=1 ;;
    --env) print_env=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    node) want+=("${NODE_BINARIES[@]}") ;;
    *) want+=("$a") ;;
  esac
done
(( ${#want[@]} )) || want=("${CLUSTER_BINARIES[@]}" "${TOOL_BINARIES[@]}")

log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[build] ERROR: %s\n' "$*" >&2; exit 1; }

# --- toolchain ---------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "'go' not found in PATH. Install Go >= 1.26 (the wrapper modules in $CLUSTER_SRC_DIR/go need it)."
export GOTOOLCHAIN=local          # never try to download another toolchain
# go.mod/go.sum are pinned: never rewrite them; no VCS stamping (the repo is not the source)
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly -buildvcs=false"
export CGO_ENABLED=0              # static binaries, like the upstream release builds
go_have=$(go env GOVERSION)
go_need=$(awk '$1=="go"{print $2; exit}' "$CLUSTER_SRC_DIR/go/kubernetes/go.mod")
if [[ $(printf '%s\n%s\n' "go$go_need" "$go_have" | sort -V | head -1) != "go$go_need" ]]; then
  die "Go $go_have is older than go $go_need required by k8s.io/kubernetes $KUBE_VERSION"
fi

# --- what to build -----------------------------------------------------------------------
kube_minor=${KUBE_VERSION#v1.}; kube_minor=${kube_minor%%.*}
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
kube_ld="-s -w"
for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  kube_ld+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$kube_minor"
  kube_ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
done
helm_ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
# default Kubernetes version for `helm template`/`helm lint` = the version of this cluster
for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  helm_ld+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$kube_minor"
done

coredns_ld="-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"
router_ld="-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION -X github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate=$build_date"
local_path_ld="-s -w -X main.VERSION=$LOCAL_PATH_VERSION"
unittest_ld="-s -w -X github.com/helm-unittest/helm-unittest/internal/build.version=${HELM_UNITTEST_VERSION#v}"

# name -> "module dir|package|build tags|ldflags"
declare -A spec=(
  [etcd]="etcd|go.etcd.io/etcd/server/v3||-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION"
  [kube-apiserver]="kubernetes|k8s.io/kubernetes/cmd/kube-apiserver|notest,grpcnotrace|$kube_ld"
  [kube-controller-manager]="kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager|notest,grpcnotrace|$kube_ld"
  [kube-scheduler]="kubernetes|k8s.io/kubernetes/cmd/kube-scheduler|notest,grpcnotrace|$kube_ld"
  [kubectl]="kubernetes|k8s.io/kubernetes/cmd/kubectl|notest,grpcnotrace|$kube_ld"
  [kwok]="kwok|sigs.k8s.io/kwok/cmd/kwok||-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$KUBE_VERSION"
  [helm]="helm|helm.sh/helm/v3/cmd/helm||$helm_ld"
  [helm-unittest]="helm-unittest|github.com/helm-unittest/helm-unittest/cmd/helm-unittest||$unittest_ld"
  [kubelet]="kubernetes|k8s.io/kubernetes/cmd/kubelet|notest,grpcnotrace|$kube_ld"
  [kube-proxy]="kubernetes|k8s.io/kubernetes/cmd/kube-proxy|notest,grpcnotrace|$kube_ld"
  [coredns]="coredns|kiada.local/test/cluster/coredns||$coredns_ld"
  [kube-router]="kube-router|github.com/cloudnativelabs/kube-router/v2/cmd/kube-router||$router_ld"
  [local-path-provisioner]="local-path-provisioner|github.com/rancher/local-path-provisioner||$local_path_ld"
)

unittest_plugin_dir=$HELM_UNITTEST_PLUGINS_DIR/unittest
binary_path() { # <name> -> where the built binary lives
  case $1 in
    helm-unittest) printf '%s\n' "$unittest_plugin_dir/untt" ;;
    kubelet|kube-proxy|coredns|kube-router|local-path-provisioner) printf '%s\n' "$NODE_BIN_DIR/$1" ;;
    *) printf '%s\n' "$CLUSTER_BIN_DIR/$1" ;;
  esac
}

# The plugin's manifest: upstream's plugin.yaml without its install hooks (they download a
# release binary); the binary next to it is the one built here.
write_unittest_plugin_yaml() {
  cat >"$unittest_plugin_dir/plugin.yaml" <<EOF
name: "unittest"
version: "${HELM_UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "Unit tests for Helm charts in YAML (helm-unittest ${HELM_UNITTEST_VERSION}, built from Go modules by test/cluster/build.sh)."
ignoreFlags: false
command: "\$HELM_PLUGIN_DIR/untt"
EOF
}

mkdir -p "$CLUSTER_BIN_DIR" "$unittest_plugin_dir"
build_log_dir="$CLUSTER_CACHE_ROOT/$CLUSTER_KEY/logs"
mkdir -p "$build_log_dir"
times_file="$CLUSTER_CACHE_ROOT/$CLUSTER_KEY/build-times.txt"

hb_pid=
cleanup() { [[ -n $hb_pid ]] && kill "$hb_pid" 2>/dev/null || true; }
trap cleanup EXIT

proxy_hint() { # <log file>
  if grep -qE '403 Forbidden|404 Not Found|410 Gone|not available|dial tcp|no such host|i/o timeout|TLS handshake|checksum mismatch|SECURITY ERROR|missing go.sum entry|disabled by GOPROXY|reading https:' "$1"; then
    printf '[build] ERROR: the Go module proxy (GOPROXY=%s) refused or could not serve a module, or go.sum does not match:\n' "$(go env GOPROXY)" >&2
    grep -E '403|404|410|not available|dial tcp|no such host|timeout|TLS|checksum|SECURITY|go.sum|GOPROXY|reading https:' "$1" | head -5 | sed 's/^/    /' >&2
  fi
}

todo=()
for b in "${want[@]}"; do
  [[ -n ${spec[$b]+x} ]] || die "unknown binary '$b' (known: ${CLUSTER_BINARIES[*]} ${TOOL_BINARIES[*]} ${NODE_BINARIES[*]}, or node)"
  if [[ $force == 0 && -x $(binary_path "$b") ]]; then
    log "reuse $b ($(binary_path "$b"))"
  else
    todo+=("$b")
  fi
done

emit_env() {
  ((print_env)) || return 0
  local b node_path=""
  for b in "${want[@]}"; do [[ " ${NODE_BINARIES[*]} " == *" $b "* ]] && node_path="$NODE_BIN_DIR:"; done
  printf 'export PATH=%s%s:$PATH\n' "$node_path" "$CLUSTER_BIN_DIR"
  if [[ " ${want[*]} " == *" helm-unittest "* ]]; then
    printf 'export HELM_PLUGINS=%s\n' "$HELM_UNITTEST_PLUGINS_DIR"
  fi
}

if (( ${#todo[@]} == 0 )); then
  log "all binaries present in $CLUSTER_BIN_DIR"
  emit_env
  exit 0
fi

log "building ${todo[*]} (go $go_have, GOPROXY=$(go env GOPROXY))"
total_start=$SECONDS

# Fail fast: resolve (and download) every module the packages need before compiling anything.
declare -A checked=()
for b in "${todo[@]}"; do
  IFS='|' read -r mod pkg tags _ <<<"${spec[$b]}"
  key="$mod|$pkg"
  [[ -n ${checked[$key]+x} ]] && continue
  checked[$key]=1
  log "resolving modules for $b ($pkg in go/$mod)"
  if ! (cd "$CLUSTER_SRC_DIR/go/$mod" && go list -deps ${tags:+-tags "$tags"} "$pkg" >/dev/null) 2>"$build_log_dir/$b.resolve.log"; then
    cat "$build_log_dir/$b.resolve.log" >&2
    proxy_hint "$build_log_dir/$b.resolve.log"
    die "cannot resolve the modules for $b (see above)"
  fi
done

for b in "${todo[@]}"; do
  IFS='|' read -r mod pkg tags ldflags <<<"${spec[$b]}"
  start=$SECONDS
  out=$(binary_path "$b")
  mkdir -p "$(dirname "$out")"
  log "start $b ($pkg)"
  ( while sleep 30; do log "  ... still building $b ($((SECONDS - start))s, total $((SECONDS - total_start))s)"; done ) &
  hb_pid=$!
  rc=0
  (cd "$CLUSTER_SRC_DIR/go/$mod" &&
    go build -trimpath ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$out.tmp" "$pkg") \
    >"$build_log_dir/$b.log" 2>&1 || rc=$?
  kill "$hb_pid" 2>/dev/null || true; wait "$hb_pid" 2>/dev/null || true; hb_pid=
  if (( rc != 0 )); then
    rm -f "$out.tmp"
    tail -30 "$build_log_dir/$b.log" >&2
    proxy_hint "$build_log_dir/$b.log"
    die "building $b failed (log: $build_log_dir/$b.log)"
  fi
  [[ $b == helm-unittest ]] && write_unittest_plugin_yaml
  mv -f "$out.tmp" "$out"
  log "done  $b in $((SECONDS - start))s ($(du -h "$out" | cut -f1))"
  echo "$(date -u +%FT%TZ) $b $((SECONDS - start))s" >>"$times_file"
done
log "finished in $((SECONDS - total_start))s; binaries in $CLUSTER_BIN_DIR"
emit_env
