#!/usr/bin/env bash
# The real-node suite (a step of test/run-all.sh): the Helm chart installed as a user types
# `helm install`, on a node that runs real containers (docs/real-node.md).
#   1. builds every image here (test/node/images.sh: the project's, MariaDB, kiada, the helm
#      test tools, busybox, pause, CoreDNS; cached);
#   2. the cluster: the one KUBECONFIG names when it has a real node (kind: the images are
#      loaded with `kind load image-archive`), else the local control plane with a real node
#      (test/cluster/start.sh --real-node in $KIADA_NODE_CLUSTER_DIR, default
#      /tmp/kiada-node-cluster; the images imported into its containerd), started here and
#      stopped at the end unless it was already running;
#   3. checks that the node's network namespace and its pods have no default route;
#   4. runs test/node/chart.node-spec.ts (Jest), which writes its figures to a JSON file;
#   5. stops the cluster it started: stop.sh compares the host's routes, links, iptables,
#      nftables and ip_forward with their state before start and fails on a difference;
#   6. prints one line: real node: <N> pods Ready, crossing -> kiada pod Ready p99 <X> ms,
#      host network unchanged
# Needs root (network namespace, containerd, kubelet) for the local node, `npm ci` done.
# Usage: test/node/run.sh [jest arguments]
# Env: KIADA_NODE_CLUSTER_DIR, KIADA_NODE_KEEP_CLUSTER=1 (leave a cluster started here
#      running), KIND_CLUSTER_NAME (kind: the cluster to load the images into, default kind),
#      KIADA_NODE_IMAGES_LOADED=1 with KIADA_NODE_IMAGE_{APP,MARIADB,KIADA,TOOLS,BUSYBOX}
#      (a cluster with real nodes into which you loaded images built your way, e.g. with
#      docker build and kind load docker-image: nothing is built or loaded here)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
T0=$SECONDS
log() { printf '[node %s +%ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - T0))" "$*" >&2; }
die() { printf '[node] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -d node_modules/jest ]] || die "node_modules is missing: run npm ci first"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kiada-node-run.XXXXXX")
RESULTS=$WORK/results.json
STARTED=""
NODE_DIR=${KIADA_NODE_CLUSTER_DIR:-/tmp/kiada-node-cluster}

stop_started() {
  [[ -n $STARTED ]] || return 0
  if [[ -n ${KIADA_NODE_KEEP_CLUSTER:-} ]]; then
    log "leaving the cluster in $NODE_DIR running (KIADA_NODE_KEEP_CLUSTER); KIADA_CLUSTER_DIR=$NODE_DIR test/cluster/stop.sh stops it"
    return 0
  fi
  log "stopping the cluster started here ($NODE_DIR)"
  KIADA_CLUSTER_DIR=$NODE_DIR bash test/cluster/stop.sh
  STARTED=""
}
cleanup() {
  local rc=$?
  stop_started || rc=1
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

# --- tools and images -----------------------------------------------------------------------
if ! command -v kubectl >/dev/null || ! command -v helm >/dev/null; then
  eval "$(bash test/cluster/build.sh --env kubectl helm)"
fi
# --- the cluster ----------------------------------------------------------------------------
real_nodes() { # names of the nodes kwok does not fake
  kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.annotations.kwok\.x-k8s\.io/node}{"\n"}{end}' 2>/dev/null \
    | awk 'NF == 1 {print $1}'
}
mode=local
if [[ -n ${KUBECONFIG:-} ]] && kubectl get --raw /readyz >/dev/null 2>&1 && [[ -n $(real_nodes) ]]; then
  if [[ -n $(kubectl get nodes -o jsonpath='{.items[*].spec.providerID}' | grep -o 'kind://' | head -1) ]]; then
    mode=kind
  else
    mode=external
  fi
fi

# --- images --------------------------------------------------------------------------------
if [[ $mode == local ]]; then
  # the node's binaries first: its CoreDNS image is made of one of them
  bash test/cluster/build.sh node
fi
archives=()
if [[ ${KIADA_NODE_IMAGES_LOADED:-} == 1 ]]; then
  for name in APP MARIADB KIADA TOOLS BUSYBOX; do
    v=KIADA_NODE_IMAGE_$name
    [[ -n ${!v:-} ]] || die "KIADA_NODE_IMAGES_LOADED=1 needs $v (the image reference you loaded)"
    export "${v?}"
  done
  log "using the images you loaded (KIADA_NODE_IMAGES_LOADED=1)"
else
  log "building the images (test/node/images.sh)"
  wanted=(app mariadb kiada tools busybox)
  [[ $mode == local ]] && wanted+=(pause coredns)
  images=$(bash test/node/images.sh "${wanted[@]}") || die "building the images failed (see above)"
  # shellcheck disable=SC2001 # one export per line
  eval "$(sed 's/^/export /' <<<"$images")"
  mapfile -t archives < <(sed -n 's/^KIADA_NODE_ARCHIVE_\(APP\|MARIADB\|KIADA\|TOOLS\|BUSYBOX\)=//p' <<<"$images")
fi

case $mode in
  kind)
    if ((${#archives[@]})); then
      command -v kind >/dev/null || die "KUBECONFIG names a kind cluster but 'kind' is not on PATH (needed to load the images)"
      log "loading the images into kind cluster ${KIND_CLUSTER_NAME:-kind} (kind load image-archive)"
      for a in "${archives[@]}"; do kind load image-archive "$a" --name "${KIND_CLUSTER_NAME:-kind}"; done
    fi
    ;;
  external)
    ((${#archives[@]} == 0)) || die "KUBECONFIG names a cluster with real nodes that is neither kind nor ours: load these docker-archive tarballs into its nodes' runtime (e.g. ctr -n k8s.io images import), then run again with KIADA_NODE_IMAGES_LOADED=1: ${archives[*]}"
    ;;
  local)
    ((${#archives[@]})) || die "KIADA_NODE_IMAGES_LOADED=1 is for a cluster of yours; the local real node imports the images test/node/images.sh builds"
    export KIADA_CLUSTER_DIR=$NODE_DIR
    if ! bash test/cluster/start.sh --status >/dev/null 2>&1; then
      log "starting the local control plane with a real node in $NODE_DIR"
      STARTED=1
    fi
    bash test/cluster/start.sh --real-node >/dev/null
    eval "$(bash test/cluster/start.sh --env)"
    bash test/cluster/start.sh --import-images "${archives[@]}"
    # fencing: no default route in the node's namespace, nor in a pod on it
    # shellcheck source=/dev/null
    source "$NODE_DIR/node/node.env"
    if ip netns exec "$NODE_NETNS" ip route | grep -q '^default'; then
      die "the node's network namespace $NODE_NETNS has a default route: $(ip netns exec "$NODE_NETNS" ip route)"
    fi
    pod=route-check-$$
    kubectl run "$pod" -n default --image="$KIADA_NODE_IMAGE_BUSYBOX" --image-pull-policy=Never --restart=Never \
      --command -- ip route >/dev/null
    kubectl wait -n default --for=jsonpath='{.status.phase}'=Succeeded "pod/$pod" --timeout=60s >/dev/null \
      || die "the route check pod did not succeed: $(kubectl get pod -n default "$pod" -o wide)"
    routes=$(kubectl logs -n default "$pod")
    kubectl delete pod -n default "$pod" --wait=false >/dev/null
    grep -q '^default' <<<"$routes" && die "a pod on the real node has a default route: $routes"
    log "no default route in $NODE_NETNS nor in a pod (pod routes: $(tr '\n' ';' <<<"$routes"))"
    ;;
esac
log "cluster: $mode ($KUBECONFIG), real node(s): $(real_nodes | tr '\n' ' ')"

# --- the suite ---------------------------------------------------------------------------------
suite_started=$SECONDS
KIADA_NODE_RESULTS=$RESULTS node --experimental-vm-modules node_modules/jest/bin/jest.js \
  --config test/node/jest-node.json --runInBand "$@"
log "suite passed in $((SECONDS - suite_started))s"

stop_started
net="host network unchanged"
[[ $mode == local ]] || net="host network not checked (the cluster was not started here)"
read -r pods p99 < <(node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const p99 = Math.max(...Object.keys(r).filter((k) => k.startsWith("crossingMs_")).map((k) => r[k].p99));
  console.log(r.podsReady, Math.round(p99));
' "$RESULTS")
echo "figures: $(node -e 'const r=JSON.parse(require("node:fs").readFileSync(process.argv[1],"utf8")); console.log(JSON.stringify(r))' "$RESULTS")"
echo "real node: $pods pods Ready, crossing -> kiada pod Ready p99 $p99 ms, $net"
