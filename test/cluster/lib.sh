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
COREDNS_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/coredns/go.mod" github.com/coredns/coredns)
KUBE_ROUTER_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/kube-router/go.mod" github.com/cloudnativelabs/kube-router/v2)
LOCAL_PATH_VERSION=$(_kiada_modver "$CLUSTER_SRC_DIR/go/local-path-provisioner/go.mod" github.com/rancher/local-path-provisioner)
for _v in KUBE_VERSION ETCD_VERSION KWOK_VERSION HELM_VERSION HELM_UNITTEST_VERSION \
  COREDNS_VERSION KUBE_ROUTER_VERSION LOCAL_PATH_VERSION; do
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
# The real node's binaries (start.sh --real-node, KIADA_CLUSTER_REAL_NODE=1): kubelet and
# kube-proxy from the same Kubernetes module as the control plane, CoreDNS, kube-router (the
# NetworkPolicy firewall) and local-path-provisioner. Built only when a real node is asked
# for (`build.sh node`), into their own directory keyed by all their versions.
NODE_BINARIES=(kubelet kube-proxy coredns kube-router local-path-provisioner)
NODE_KEY="${KUBE_VERSION}-coredns-${COREDNS_VERSION}-kube-router-${KUBE_ROUTER_VERSION}-local-path-${LOCAL_PATH_VERSION}"
NODE_BIN_DIR="$CLUSTER_CACHE_ROOT/node-$NODE_KEY/bin"
