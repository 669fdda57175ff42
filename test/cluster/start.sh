#!/usr/bin/env bash
# Starts a local Kubernetes control plane as plain processes on 127.0.0.1:
#   etcd -> kube-apiserver -> kube-controller-manager, kube-scheduler, kwok (+ fake nodes)
# State (pid files, logs, certs, etcd data, kubeconfig) lives in
# ${KIADA_CLUSTER_DIR:-/tmp/kiada-cluster}. Binaries come from build.sh's cache (built
# on demand if missing).
#
# Usage:
#   start.sh                      start (idempotent: if healthy, only prints the env)
#   start.sh --real-node          the same plus one real node (containerd, kubelet, kube-proxy,
#                                 CoreDNS, kube-router, local-path-provisioner) in its own
#                                 network namespace (node.sh; README "A real node"); the fake
#                                 nodes are tainted so that workloads land on the real one.
#                                 Same as KIADA_CLUSTER_REAL_NODE=1; decided when the state dir
#                                 is created
#   start.sh --restart-apiserver [--hard]
#                                 stop (SIGTERM, SIGKILL after ${KIADA_APISERVER_STOP_GRACE:-10}s;
#                                 --hard: SIGKILL at once) and start kube-apiserver only: etcd
#                                 keeps its data; same port, certs, tokens and kubeconfig
#   start.sh --import-images <docker-archive tarball...>
#                                 import images into the real node's containerd (what
#                                 `kind load image-archive` does for kind)
#   start.sh --status             print component status, exit 1 if not healthy
#   start.sh --env                print the export lines (KUBECONFIG, PATH)
# Env: KIADA_CLUSTER_DIR, KIADA_CLUSTER_CACHE, KIADA_CLUSTER_NODES (default 2),
#      KIADA_CLUSTER_POD_CIDR (default 127.10.0.0/16, see README), KIADA_CLUSTER_NO_BUILD=1,
#      KIADA_APISERVER_EXTRA_ARGS (extra kube-apiserver flags, e.g. "--watch-cache=false"),
#      KIADA_CLUSTER_REAL_NODE=1, KIADA_NODE_LINK_CIDR, KIADA_NODE_POD_CIDR (node.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

S=$CLUSTER_STATE_DIR
BIN=$CLUSTER_BIN_DIR
NODES=${KIADA_CLUSTER_NODES:-2}
POD_CIDR=${KIADA_CLUSTER_POD_CIDR:-127.10.0.0/16}
SERVICE_CIDR=${KIADA_CLUSTER_SERVICE_CIDR:-10.96.0.0/16}
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# the address the API server listens on: loopback, or the host end of the real node's link
API_HOST=127.0.0.1

T0=$SECONDS
# shellcheck source=node.sh
source "$CLUSTER_SRC_DIR/node.sh"
log() { printf '[cluster %s +%ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - T0))" "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------------------
pid_of() { [[ -s $S/pids/$1.pid ]] && cat "$S/pids/$1.pid"; }
alive() { # <component>: pid file exists and the process is our binary
  local pid; pid=$(pid_of "$1") || return 1
  [[ -n $pid && -e /proc/$pid ]] || return 1
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$BIN/$1"* ]]
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # random free TCP port below the ephemeral range, not handed out before
  local p i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    [[ " ${USED_PORTS:-} " == *" $p "* ]] && continue
    if port_free "$p" && ! ss -Htan "sport = :$p" 2>/dev/null | grep -q .; then
      USED_PORTS="${USED_PORTS:-} $p"; echo "$p"; return 0
    fi
  done
  die "no free port found"
}
launch() { # <component> <args...>: start in background, own session, log + pid file
  local name=$1; shift
  [[ -x $BIN/$name ]] || die "missing binary $BIN/$name (run build.sh)"
  printf '%s\n' "$BIN/$name $*" >"$S/logs/$name.cmdline"
  echo "==== $(date -u +%FT%TZ) starting $name" >>"$S/logs/$name.log"
  # 9>&- : do not pass the lock fd to the daemon (it would hold the lock for its lifetime)
  setsid "$BIN/$name" "$@" >>"$S/logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$S/pids/$name.pid"
  log "started $name (pid $!, log $S/logs/$name.log)"
}
fail_with_log() { # <component> <message>
  echo "---- last lines of $S/logs/$1.log" >&2
  tail -n 25 "$S/logs/$1.log" >&2 || true
  die "$2"
}
kctl() { "$BIN/kubectl" --kubeconfig "$S/kubeconfig" "$@"; }
wait_for() { # <component> <timeout s> <description> <command...>
  local name=$1 timeout=$2 what=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail_with_log "$name" "$name exited while waiting for $what"
    ((SECONDS < deadline)) || fail_with_log "$name" "timed out after ${timeout}s waiting for $what"
    sleep 0.5
  done
}
stop_component() { # <component> [grace seconds, 0 = SIGKILL at once]: TERM, wait, then KILL
  local name=$1 grace=${2:-10} pid i
  alive "$name" || { rm -f "$S/pids/$name.pid"; return 0; }
  pid=$(pid_of "$name")
  # bounded: a stuck process must not block a test (kube-apiserver closes its watches
  # within --shutdown-watch-termination-grace-period=2s and exits in ~3 s)
  if ((grace > 0)); then kill -TERM "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < grace * 4; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.25; done
  if [[ -e /proc/$pid ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.25; done
  fi
  rm -f "$S/pids/$name.pid"
  log "stopped $name (pid $pid)"
}
print_env() {
  cat <<EOF
export KUBECONFIG=$S/kubeconfig
export PATH=$BIN:\$PATH
EOF
}
healthy() {
  local c
  for c in "${COMPONENTS[@]}"; do alive "$c" || return 1; done
  if node_enabled; then node_healthy || return 1; fi
  [[ -s $S/kubeconfig ]] && kctl get --raw /readyz >/dev/null 2>&1
}

# --- one-time setup: ports, certificates, tokens, configs --------------------------------
setup_state() {
  mkdir -p "$S"/{pids,logs,pki,etcd}
  chmod 700 "$S"
  if [[ ! -s $S/ports.env ]]; then
    USED_PORTS=""
    local etcd_client etcd_peer apiserver kwokp
    etcd_client=$(free_port); etcd_peer=$(free_port); apiserver=$(free_port); kwokp=$(free_port)
    cat >"$S/ports.env" <<EOF
ETCD_CLIENT_PORT=$etcd_client
ETCD_PEER_PORT=$etcd_peer
APISERVER_PORT=$apiserver
KWOK_PORT=$kwokp
EOF
  fi
  # shellcheck source=/dev/null
  source "$S/ports.env"

  local p=$S/pki
  if [[ ! -s $p/sa.key ]]; then
    command -v openssl >/dev/null || die "openssl not found (needed to create the cluster certificates)"
    log "creating certificates and tokens in $p"
    (
      cd "$p"
      exec 2>>"$S/logs/openssl.log"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -keyout ca.key -out ca.crt -subj "/CN=kiada-local-ca" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
      svc_ip=$(cut -d/ -f1 <<<"$SERVICE_CIDR"); svc_ip=${svc_ip%.*}.1
      for c in apiserver kwok; do
        san="IP:127.0.0.1,DNS:localhost"
        [[ $API_HOST != 127.0.0.1 ]] && san+=",IP:$API_HOST"
        [[ $c == apiserver ]] && san+=",IP:$svc_ip,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
          -keyout "$c.key" -out "$c.csr" -subj "/CN=$c"
        openssl x509 -req -in "$c.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
          -out "$c.crt" -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san")
        rm -f "$c.csr"
      done
      openssl genrsa -out sa.key.tmp 2048
      openssl rsa -in sa.key.tmp -pubout -out sa.pub
      mv sa.key.tmp sa.key
    ) || die "openssl failed (see $S/logs/openssl.log)"
  fi
  if [[ ! -s $p/tokens.csv ]]; then
    local admin kcm sched kwok
    admin=$(openssl rand -hex 24); kcm=$(openssl rand -hex 24); sched=$(openssl rand -hex 24); kwok=$(openssl rand -hex 24)
    cat >"$p/tokens.csv.tmp" <<EOF
$admin,kiada-admin,uid-kiada-admin,"system:masters"
$kcm,system:kube-controller-manager,uid-kube-controller-manager
$sched,system:kube-scheduler,uid-kube-scheduler
$kwok,kwok-controller,uid-kwok-controller,"system:masters"
EOF
    chmod 600 "$p/tokens.csv.tmp"; mv "$p/tokens.csv.tmp" "$p/tokens.csv"
  fi
  write_kubeconfig kubeconfig kiada-admin 1
  write_kubeconfig kube-controller-manager.kubeconfig system:kube-controller-manager 2
  write_kubeconfig kube-scheduler.kubeconfig system:kube-scheduler 3
  write_kubeconfig kwok.kubeconfig kwok-controller 4

  # kwok configuration + the stages kwokctl uses by default, plus kwok's fake volume
  # provisioner for the default StorageClass "kwok-volume" (copied from the kwok module)
  {
    cat <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  cidr: $POD_CIDR
  nodeIP: 127.0.0.1
$(if node_enabled; then
    echo "  manageAllNodes: false"
    echo "  manageNodesWithAnnotationSelector: kwok.x-k8s.io/node=fake"
  else
    echo "  manageAllNodes: true"
  fi)
  nodeLeaseDurationSeconds: 40
  nodeLeaseParallelism: 4
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: false
  enablePodsOnNodeSyncStreamWatch: true
EOF
    local f
    for f in node-initialize node-heartbeat-with-lease pod-ready pod-complete pod-delete \
      pvc-provision pv-bind pv-delete pvc-delete; do
      echo "---"; cat "$CLUSTER_SRC_DIR/kwok-stages/$f.yaml"
    done
  } >"$S/kwok.yaml"
}

kubeconfig_file() { # <path> <user> <credential lines>: a kubeconfig for the local API server
  cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kiada-local
  cluster:
    server: https://$API_HOST:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <"$S/pki/ca.crt")
users:
- name: $2
  user:
$3
contexts:
- name: kiada-local
  context:
    cluster: kiada-local
    user: $2
current-context: kiada-local
EOF
  chmod 600 "$1.tmp"; mv "$1.tmp" "$1"
}

write_kubeconfig() { # <file> <user> <line in tokens.csv>: a token user's kubeconfig in $S
  local token; token=$(sed -n "${3}p" "$S/pki/tokens.csv" | cut -d, -f1)
  kubeconfig_file "$S/$1" "$2" "    token: $token"
}

# --- components ----------------------------------------------------------------------------
start_etcd() {
  alive etcd && return 0
  launch etcd --name=kiada --data-dir="$S/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="kiada=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --snapshot-count=10000 --quota-backend-bytes=2147483648 \
    --log-level=warn
  wait_for etcd 30 "etcd /health" \
    bash -c "curl -sf --max-time 2 http://127.0.0.1:$ETCD_CLIENT_PORT/health | grep -q '\"health\":\"true\"'"
  log "etcd ready on 127.0.0.1:$ETCD_CLIENT_PORT"
}

start_apiserver() {
  alive kube-apiserver && return 0
  # extra flags: from $KIADA_APISERVER_EXTRA_ARGS, remembered in the state dir so that
  # --restart-apiserver uses the same ones
  if [[ -n ${KIADA_APISERVER_EXTRA_ARGS+x} ]]; then
    printf '%s\n' "$KIADA_APISERVER_EXTRA_ARGS" >"$S/apiserver-extra-args"
  fi
  local -a APISERVER_EXTRA_ARGS=()
  [[ -s $S/apiserver-extra-args ]] && read -r -a APISERVER_EXTRA_ARGS <"$S/apiserver-extra-args"
  port_free "$APISERVER_PORT" || die "port $APISERVER_PORT (kube-apiserver) is in use by another process"
  local p=$S/pki
  # With a real node the API server listens on the host end of the node's link and keeps the
  # `kubernetes` Service's endpoint on it (pods reach it through kube-proxy); else loopback,
  # where Endpoints are refused, so no reconciler.
  local reconciler=none
  [[ $API_HOST != 127.0.0.1 ]] && reconciler=lease
  launch kube-apiserver \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address="$API_HOST" --advertise-address="$API_HOST" --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
    --client-ca-file="$p/ca.crt" --token-auth-file="$p/tokens.csv" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --allow-privileged=true --endpoint-reconciler-type="$reconciler" \
    --kubelet-preferred-address-types=InternalIP \
    --kubelet-certificate-authority="$p/ca.crt" \
    --kubelet-client-certificate="$p/kwok.crt" --kubelet-client-key="$p/kwok.key" \
    --shutdown-watch-termination-grace-period=2s \
    --profiling=false \
    "${APISERVER_EXTRA_ARGS[@]}"
  wait_for kube-apiserver 90 "kube-apiserver /readyz" kctl get --raw /readyz
  log "kube-apiserver ready on https://127.0.0.1:$APISERVER_PORT"
}

start_controller_manager() {
  alive kube-controller-manager && return 0
  local p=$S/pki
  launch kube-controller-manager \
    --kubeconfig="$S/kube-controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" \
    --cluster-signing-cert-file="$p/ca.crt" --cluster-signing-key-file="$p/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --controllers='*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller'
}

start_scheduler() {
  alive kube-scheduler && return 0
  launch kube-scheduler \
    --kubeconfig="$S/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false
}

start_kwok() {
  alive kwok && return 0
  port_free "$KWOK_PORT" || { KWOK_PORT=$(free_port); sed -i "s/^KWOK_PORT=.*/KWOK_PORT=$KWOK_PORT/" "$S/ports.env"; }
  # with a real node, kwok manages only the fake nodes (and their pods)
  local -a manage=(--manage-all-nodes=true)
  node_enabled && manage=(--manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake)
  launch kwok \
    --kubeconfig="$S/kwok.kubeconfig" --config="$S/kwok.yaml" \
    "${manage[@]}" --node-ip=127.0.0.1 --node-name=localhost \
    --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --tls-cert-file="$S/pki/kwok.crt" --tls-private-key-file="$S/pki/kwok.key" \
    --node-lease-duration-seconds=40 --cidr="$POD_CIDR"
}

create_nodes() { # and the default StorageClass
  local i manifest="" spec="spec: {}"
  # with a real node, workloads go there: the fake nodes take only pods that tolerate them
  node_enabled && spec="spec:
  taints:
  - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}"
  for ((i = 0; i < NODES; i++)); do
    manifest+="---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: \"0\"
  labels:
    beta.kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: \"\"
    type: kwok
$spec
status:
  allocatable: {cpu: \"32\", memory: 256Gi, pods: \"110\"}
  capacity: {cpu: \"32\", memory: 256Gi, pods: \"110\"}
  nodeInfo: {architecture: amd64, operatingSystem: linux}
"
  done
  # default StorageClass served by kwok's volume stages (PVCs get fake bound PVs)
  # (not the default one beside a real node: local-path-provisioner's is)
  manifest+="---
$(if node_enabled; then grep -v 'is-default-class' "$CLUSTER_SRC_DIR/kwok-stages/storage-class.yaml" | sed '/annotations:/d'; else cat "$CLUSTER_SRC_DIR/kwok-stages/storage-class.yaml"; fi)
"
  # create only the missing ones (start.sh must not reset objects a test changed)
  printf '%s' "$manifest" | kctl create -f - 2>&1 | grep -v 'AlreadyExists' >&2 || true
}

# --- commands ------------------------------------------------------------------------------
cmd_up() {
  if [[ -d $S ]] && healthy; then
    log "already running and healthy ($S)"
    print_env
    return 0
  fi
  if [[ ${KIADA_CLUSTER_NO_BUILD:-0} != 1 ]]; then
    local b missing=0
    for b in "${CLUSTER_BINARIES[@]}"; do [[ -x $BIN/$b ]] || missing=1; done
    if ((missing)); then
      log "binaries missing in $BIN: running build.sh (cold build takes a long time)"
      "$CLUSTER_SRC_DIR/build.sh"
    fi
  fi
  if node_enabled; then
    mkdir -p "$S"/{pids,logs}   # stop.sh recognises the state dir by pids/
    node_check_host
    node_ensure_packages
    node_link_up
  fi
  setup_state
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  start_kwok
  create_nodes
  wait_for kwok 60 "$NODES Ready node(s)" \
    bash -c "[[ \$('$BIN/kubectl' --kubeconfig '$S/kubeconfig' get nodes --no-headers 2>/dev/null | awk '\$2==\"Ready\"' | wc -l) -ge $NODES ]]"
  log "nodes ready"
  wait_for kube-controller-manager 60 "the default ServiceAccount" kctl -n default get serviceaccount default
  local c
  for c in kube-controller-manager kube-scheduler kwok; do
    alive "$c" || fail_with_log "$c" "$c exited during start"
  done
  node_enabled && node_up
  log "cluster ready in $((SECONDS - T0))s; kubeconfig: $S/kubeconfig"
  print_env
}

cmd_restart_apiserver() {
  [[ -s $S/ports.env ]] || die "no cluster state in $S (run start.sh first)"
  # shellcheck source=/dev/null
  source "$S/ports.env"
  alive etcd || die "etcd is not running; run start.sh"
  local grace=${KIADA_APISERVER_STOP_GRACE:-10}
  [[ ${1:-} == --hard ]] && grace=0   # SIGKILL: simulate a crash
  stop_component kube-apiserver "$grace"
  start_apiserver
  log "kube-apiserver restarted in $((SECONDS - T0))s"
}

cmd_status() {
  local c rc=0
  for c in "${COMPONENTS[@]}"; do
    if alive "$c"; then echo "$c: running (pid $(pid_of "$c"))"; else echo "$c: NOT running"; rc=1; fi
  done
  if node_enabled; then
    node_config
    for c in "${NODE_COMPONENTS[@]}"; do
      if node_alive "$c"; then echo "$c: running (pid $(node_pid "$c"), real node $NODE_NAME)"; else echo "$c: NOT running"; rc=1; fi
    done
  fi
  if [[ -s $S/kubeconfig ]] && kctl get --raw /readyz >/dev/null 2>&1; then echo "apiserver /readyz: ok"; else echo "apiserver /readyz: FAILED"; rc=1; fi
  return $rc
}

lock() { # serialize start/restart/stop (several test runners may call start.sh at once)
  mkdir -p "$(dirname "$S")"
  exec 9>"$S.lock"
  flock -w 600 9 || die "timed out waiting for the lock $S.lock"
}

# --real-node / KIADA_CLUSTER_REAL_NODE=1: recorded in the state dir, which keeps it for later
# calls (status, restart, stop)
want_real_node=0
if [[ ${1:-} == --real-node ]]; then want_real_node=1; shift; fi
[[ ${KIADA_CLUSTER_REAL_NODE:-0} == 1 ]] && want_real_node=1
if ((want_real_node)) && ! node_enabled; then
  if [[ -s $S/pki/apiserver.crt ]]; then
    die "$S holds a cluster started without a real node: stop it first (KIADA_CLUSTER_DIR=$S test/cluster/stop.sh) or use another KIADA_CLUSTER_DIR"
  fi
  mkdir -p "$S"; touch "$S/real-node"
fi
if node_enabled; then node_config; API_HOST=$NODE_HOST_IP; fi

case ${1:-up} in
  up|start) lock; cmd_up ;;
  --restart-apiserver|restart-apiserver) lock; cmd_restart_apiserver "${2:-}" ;;
  --status|status) cmd_status ;;
  --import-images|import-images)
    node_enabled || die "no real node in $S (start.sh --real-node)"
    shift; node_import "$@" ;;
  --env|env) print_env ;;
  -h|--help) sed -n "2,28p" "$0" ;;
  *) die "unknown command '$1' (see --help)" ;;
esac
