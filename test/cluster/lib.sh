# shellcheck shell=bash
# Common settings for build.sh / start.sh / stop.sh / env.sh. Sourced, not executed.
# Versions come from the pinned wrapper modules under go/ (single source of truth).

CLUSTER_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_kiada_modver() { # <go.mod> <module path> -> version from its require line
  awk -v m="$2" '($1==m && $2 ~ /^v/){print $2; exit} ($1=="require" && $2==m){print $3; exit}' "$1"
}

KUBE_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/kubernetes/go.mod" k8s.io/kubernetes)
ETCD_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/etcd/go.mod" go.etcd.io/etcd/server/v3)
KWOK_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/kwok/go.mod" sigs.k8s.io/kwok)
HELM_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/helm/go.mod" helm.sh/helm/v3)
HELM_UNITTEST_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/helm-unittest/go.mod" github.com/helm-unittest/helm-unittest)
for _v in KUBE_VERSION ETCD_VERSION KWOK_VERSION HELM_VERSION HELM_UNITTEST_VERSION; do
  [[ -n ${!_v} ]] || { echo "error: cannot read $_v from $CLUSTER_SRC_DIR/go/*/go.mod" >&2; return 1 2>/dev/null || exit 1; }
done
unset _v

CLUSTER_CACHE_ROOT=${KIADA_CLUSTER_CACHE:-$HOME/.cache/kiada-autoscaler/cluster}
CLUSTER_KEY="${KUBE_VERSION}-etcd-${ETCD_VERSION}-kwok-${KWOK_VERSION}-helm-${HELM_VERSION}"
CLUSTER_BIN_DIR="$CLUSTER_CACHE_ROOT/$CLUSTER_KEY/bin"
CLUSTER_STATE_DIR=${KIADA_CLUSTER_DIR:-/tmp/kiada-cluster}
CLUSTER_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm)
# Test tools built the same way but not part of the cluster. helm-unittest is a Helm plugin
# (a directory with plugin.yaml and the binary, found through HELM_PLUGINS); it depends on no
# cluster version, so it has its own cache directory, keyed by its version.
TOOL_BINARIES=(helm-unittest)
HELM_UNITTEST_PLUGINS_DIR="$CLUSTER_CACHE_ROOT/helm-unittest-$HELM_UNITTEST_VERSION/plugins"
