# shellcheck shell=bash
# The real node of the local cluster (start.sh --real-node, KIADA_CLUSTER_REAL_NODE=1): one
# Kubernetes node that runs real containers, fenced in its own network namespace.
# Sourced by start.sh and stop.sh (which define S, log, die); not executed.
#
#   host network namespace                    network namespace $NODE_NETNS
#   kube-apiserver on $NODE_HOST_IP  <- veth pair ->  $NODE_IP: containerd, kubelet, kube-proxy,
#   (the host end of the link, /30)                   kube-router (NetworkPolicy), CNI bridge
#                                                      cni0 $NODE_POD_GW, pods in $NODE_POD_CIDR
# The namespace has no default route: a pod reaches only other pods, Services (kube-proxy's
# rules in the namespace) and the API server (its Service's endpoint is the host end, and the
# CNI bridge masquerades pod traffic leaving through the veth). The host gets no iptables or
# nftables rule and no route for the pod or Service ranges, and net.ipv4.ip_forward stays
# as it is: node_link_up records the host's network state, node_link_down compares it.
# Debian's packages: containerd, runc, containernetworking-plugins, iptables, ipset (installed
# when missing). Binaries built by build.sh node: kubelet, kube-proxy, coredns, kube-router,
# local-path-provisioner. Images built by test/node/images.sh: pause, coredns, busybox.

NODE_DIR=$S/node
NODE_NAME=${KIADA_NODE_NAME:-kiada-node}
NODE_CNI_BIN_DIR=${KIADA_NODE_CNI_BIN_DIR:-/usr/lib/cni}
NODE_COMPONENTS=(containerd kubelet kube-proxy kube-router local-path-provisioner)
# kubelet's global sysctls (container_manager_linux.go setupKernelTunables): recorded before it
# starts, put back once it has set them and again at stop (they are not per namespace).
NODE_KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

node_enabled() { [[ -f $S/real-node ]]; }

# --- packages --------------------------------------------------------------------------------
node_ensure_packages() {
  local missing=() p
  for p in containerd:containerd runc:runc iptables:iptables ipset:ipset nft:nftables conntrack:conntrack; do
    command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}")
  done
  [[ -x $NODE_CNI_BIN_DIR/bridge ]] || missing+=(containernetworking-plugins)
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "the real node needs ${missing[*]}: apt-get install ${missing[*]} (as root)"
  command -v apt-get >/dev/null || die "the real node needs ${missing[*]} and there is no apt-get: install them with your package manager"
  log "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || log "apt-get update failed; trying the install with the lists at hand"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed (see above)"
}

node_check_host() {
  [[ $(id -u) == 0 ]] || die "the real node needs root (network namespace, containerd, kubelet)"
  command -v ip >/dev/null || die "the real node needs 'ip' (apt-get install iproute2)"
  command -v nsenter >/dev/null || die "the real node needs 'nsenter' (apt-get install util-linux)"
  [[ -d /sys/fs/cgroup/memory || -f /sys/fs/cgroup/cgroup.controllers ]] || die "no cgroup hierarchy under /sys/fs/cgroup: the kubelet needs cgroups"
}

# --- addresses and names (decided once per state dir) -----------------------------------------
node_config() {
  local f=$NODE_DIR/node.env
  if [[ ! -s $f ]]; then
    mkdir -p "$NODE_DIR"
    local h third link
    h=$(printf '%s' "$S" | sha256sum | cut -c1-6)
    third=$((16#${h:0:2} % 250 + 1))
    link=${KIADA_NODE_LINK_CIDR:-10.213.$third.0/30}
    [[ $link =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.([0-9]+)/30$ ]] || die "KIADA_NODE_LINK_CIDR must be an IPv4 /30 (got $link)"
    local base=${BASH_REMATCH[1]} last=${BASH_REMATCH[2]}
    cat >"$f" <<EOF
NODE_NETNS=kiada-node-$h
NODE_VETH_HOST=kn$h-h
NODE_VETH_NODE=kn$h-n
NODE_HOST_IP=$base.$((last + 1))
NODE_IP=$base.$((last + 2))
NODE_POD_CIDR=${KIADA_NODE_POD_CIDR:-10.244.0.0/24}
NODE_CGROUP=kiada-node-$h
EOF
  fi
  # shellcheck source=/dev/null
  source "$f"
  NODE_POD_GW=$(awk -F'[./]' '{printf "%d.%d.%d.%d", $1, $2, $3, $4 + 1}' <<<"$NODE_POD_CIDR")
  NODE_DNS_IP=$(awk -F'[./]' '{printf "%d.%d.%d.10", $1, $2, $3}' <<<"$SERVICE_CIDR")
  NODE_SOCK=$NODE_DIR/containerd/containerd.sock
}

# in the node's network namespace (only the network: mounts stay the host's, so that the
# kubelet, containerd and the CNI plugins see the same volumes)
innode() { nsenter --net="/run/netns/$NODE_NETNS" -- "$@"; }
nctr() { ctr --address "$NODE_SOCK" --namespace k8s.io "$@"; }

# --- the host's network state: recorded before, compared after --------------------------------
host_net_state() {
  # (each filter may find nothing: no pipefail here)
  echo "## ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
  echo "## ip -4 route show table all"
  ip -4 route show table all | { grep -v -E '^(local|broadcast) ' || true; } | sort
  echo "## ip -6 route show table all"
  { ip -6 route show table all 2>/dev/null || true; } | { grep -v -E '^(local|anycast|multicast) ' || true; } | sort
  echo "## links"
  ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
  # rules only: no comments, no packet counters
  echo "## iptables-save"
  { iptables-save 2>/dev/null || echo "(iptables-save not available)"; } | { grep -v '^#' || true; } | sed 's/\[[0-9]*:[0-9]*\]//'
  echo "## ip6tables-save"
  { ip6tables-save 2>/dev/null || echo "(ip6tables-save not available)"; } | { grep -v '^#' || true; } | sed 's/\[[0-9]*:[0-9]*\]//'
  echo "## nft list ruleset"
  nft list ruleset 2>/dev/null || echo "(nft not available)"
}

# Fails when the host's network state differs from the one recorded before start.
node_host_net_check() {
  local before=$NODE_DIR/host-net.before after=$NODE_DIR/host-net.after
  [[ -s $before ]] || { log "no record of the host's network before start ($before): nothing to compare"; return 0; }
  host_net_state >"$after"
  if ! diff -u "$before" "$after" >"$NODE_DIR/host-net.diff"; then
    cat "$NODE_DIR/host-net.diff" >&2
    die "the host's network changed between start and stop (diff above: routes, links, iptables, nftables or ip_forward); remove what is left by hand"
  fi
  log "host network unchanged (routes, links, iptables, ip6tables, nftables, ip_forward compared with before start)"
}

# --- the link: network namespace + veth pair --------------------------------------------------
node_link_up() {
  node_config
  if [[ ! -s $NODE_DIR/host-net.before ]]; then
    [[ -e /run/netns/$NODE_NETNS ]] && die "network namespace $NODE_NETNS exists without a record of the host's network: run stop.sh first"
    host_net_state >"$NODE_DIR/host-net.before"
  fi
  if [[ ! -e /run/netns/$NODE_NETNS ]]; then
    if ip -o -4 addr show | grep -qw "${NODE_HOST_IP}"; then
      die "$NODE_HOST_IP is already used on this host: set KIADA_NODE_LINK_CIDR to a free /30 (and stop.sh first)"
    fi
    ip netns add "$NODE_NETNS"
    ip link add "$NODE_VETH_HOST" type veth peer name "$NODE_VETH_NODE" netns "$NODE_NETNS"
    ip addr add "$NODE_HOST_IP/30" dev "$NODE_VETH_HOST"
    ip link set "$NODE_VETH_HOST" up
    innode ip link set lo up
    innode ip addr add "$NODE_IP/30" dev "$NODE_VETH_NODE"
    innode ip link set "$NODE_VETH_NODE" up
    # inside the namespace only (per-namespace sysctls): route between the bridge and the veth,
    # and let iptables see bridged traffic (kube-proxy, NetworkPolicy between pods)
    innode sysctl -qw net.ipv4.ip_forward=1
    innode sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null \
      || die "net.bridge.bridge-nf-call-iptables is missing in the namespace: the kernel needs br_netfilter"
    log "network namespace $NODE_NETNS: $NODE_VETH_NODE $NODE_IP/30 <-> $NODE_VETH_HOST $NODE_HOST_IP/30 (no default route)"
  fi
}

node_link_down() {
  [[ -s $NODE_DIR/node.env ]] || return 0
  node_config
  if [[ -e /run/netns/$NODE_NETNS ]]; then
    ip netns delete "$NODE_NETNS" && log "deleted network namespace $NODE_NETNS (and its veth pair)"
  fi
  # the host end goes with its peer; wait until the kernel has dropped it
  local i
  for ((i = 0; i < 40; i++)); do ip link show "$NODE_VETH_HOST" >/dev/null 2>&1 || break; sleep 0.25; done
  if ip link show "$NODE_VETH_HOST" >/dev/null 2>&1; then ip link delete "$NODE_VETH_HOST" || true; fi
}

# --- certificates and kubeconfigs of the node's components -----------------------------------
node_pki() {
  local p=$S/pki
  [[ -s $p/kubelet-server.crt ]] && return 0
  (
    cd "$p"
    exec 2>>"$S/logs/openssl.log"
    cert() { # <name> <subject> <extended key usage> [subjectAltName]
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out "$1.crt" \
        -extfile <(printf 'extendedKeyUsage=%s\nkeyUsage=critical,digitalSignature,keyEncipherment\n%s' "$3" "${4:+subjectAltName=$4}")
      rm -f "$1.csr"
    }
    cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
    cert kubelet-server "/CN=$NODE_NAME" serverAuth "IP:$NODE_IP,DNS:$NODE_NAME"
    cert kube-proxy "/CN=system:kube-proxy" clientAuth
    cert kube-router "/CN=kiada:kube-router" clientAuth
  ) || die "openssl failed (see $S/logs/openssl.log)"
}

node_kubeconfig() { # <file> <cert name>: a client-certificate user's kubeconfig in $NODE_DIR
  kubeconfig_file "$NODE_DIR/$1" "$2" "    client-certificate-data: $(base64 -w0 <"$S/pki/$2.crt")
    client-key-data: $(base64 -w0 <"$S/pki/$2.key")"
}

# --- processes ---------------------------------------------------------------------------------
node_pid() { [[ -s $S/pids/$1.pid ]] && cat "$S/pids/$1.pid"; }
node_alive() { # <component>: its pid file names a live process of the recorded executable
  local pid exe
  pid=$(node_pid "$1") || return 1
  [[ -n $pid && -e /proc/$pid && -s $S/pids/$1.exe ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ ${exe% (deleted)} == "$(cat "$S/pids/$1.exe")" ]]
}
node_launch() { # <component> <executable> <args...>: in the node's network namespace
  local name=$1 exe=$2; shift 2
  printf '%s\n' "$exe $*" >"$S/logs/$name.cmdline"
  echo "==== $(date -u +%FT%TZ) starting $name" >>"$S/logs/$name.log"
  readlink -f "$exe" >"$S/pids/$name.exe"
  setsid nsenter --net="/run/netns/$NODE_NETNS" -- "$exe" "$@" >>"$S/logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$S/pids/$name.pid"
  node_exec_wait "$name"
  log "started $name (pid $!, in $NODE_NETNS, log $S/logs/$name.log)"
}
node_exec_wait() { # <component>: until setsid and nsenter have exec'd the component itself
  local i pid
  pid=$(node_pid "$1")
  for ((i = 0; i < 50; i++)); do
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(cat "$S/pids/$1.exe")" ]] && return 0
    [[ -e /proc/$pid ]] || return 0
    sleep 0.1
  done
}
node_launch_host() { # <component> <executable> <args...>: in the host's network namespace
  local name=$1 exe=$2; shift 2
  printf '%s\n' "$exe $*" >"$S/logs/$name.cmdline"
  echo "==== $(date -u +%FT%TZ) starting $name" >>"$S/logs/$name.log"
  readlink -f "$exe" >"$S/pids/$name.exe"
  setsid "$exe" "$@" >>"$S/logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$S/pids/$name.pid"
  node_exec_wait "$name"
  log "started $name (pid $!, log $S/logs/$name.log)"
}
node_wait() { # <component> <timeout s> <what> <command...>
  local name=$1 timeout=$2 what=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! node_alive "$name"; then
      echo "---- last lines of $S/logs/$name.log" >&2; tail -n 25 "$S/logs/$name.log" >&2 || true
      die "$name exited while waiting for $what"
    fi
    if ((SECONDS >= deadline)); then
      echo "---- last lines of $S/logs/$name.log" >&2; tail -n 25 "$S/logs/$name.log" >&2 || true
      die "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.5
  done
}
node_stop_pid() { # <component> [grace s]
  local name=$1 grace=${2:-10} pid i
  if ! node_alive "$name"; then rm -f "$S/pids/$name.pid" "$S/pids/$name.exe"; return 0; fi
  pid=$(node_pid "$name")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 4; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.25; done
  if [[ -e /proc/$pid ]]; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  rm -f "$S/pids/$name.pid" "$S/pids/$name.exe"
  log "stopped $name (pid $pid)"
}

# --- images --------------------------------------------------------------------------------------
# The node's own images (pause, coredns, busybox) from test/node/images.sh, imported into
# its containerd. Sets NODE_IMAGE_PAUSE, NODE_IMAGE_COREDNS, NODE_IMAGE_BUSYBOX.
node_images() {
  local out
  out=$(bash "$CLUSTER_SRC_DIR/../node/images.sh" pause coredns busybox) || die "building the node's images failed (see above)"
  NODE_IMAGE_PAUSE=$(sed -n 's/^KIADA_NODE_IMAGE_PAUSE=//p' <<<"$out")
  NODE_IMAGE_COREDNS=$(sed -n 's/^KIADA_NODE_IMAGE_COREDNS=//p' <<<"$out")
  NODE_IMAGE_BUSYBOX=$(sed -n 's/^KIADA_NODE_IMAGE_BUSYBOX=//p' <<<"$out")
  NODE_ARCHIVES=$(sed -n 's/^KIADA_NODE_ARCHIVE_[A-Z]*=//p' <<<"$out")
  [[ -n $NODE_IMAGE_PAUSE && -n $NODE_IMAGE_COREDNS && -n $NODE_IMAGE_BUSYBOX ]] || die "test/node/images.sh printed no image names"
}

# Imports docker-archive tarballs into the node's containerd (what `kind load image-archive`
# does for kind), skipping images that are already there with the same ID.
node_import() { # <archive...>
  local a
  for a in "$@"; do
    if [[ -s $NODE_DIR/imported/$(basename "$a") ]]; then continue; fi
    local started=$SECONDS
    nctr images import "$a" >"$S/logs/ctr-import.log" 2>&1 \
      || { cat "$S/logs/ctr-import.log" >&2; die "ctr images import $a failed (see above)"; }
    mkdir -p "$NODE_DIR/imported"; date -u +%FT%TZ >"$NODE_DIR/imported/$(basename "$a")"
    log "imported $(basename "$a") into the node's containerd in $((SECONDS - started))s"
  done
}

# --- containerd ------------------------------------------------------------------------------------
node_start_containerd() {
  node_alive containerd && return 0
  mkdir -p "$NODE_DIR"/{containerd/root,containerd/state,cni/net.d,cni/ipam,runc}
  cat >"$NODE_DIR/cni/net.d/10-kiada-node.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "kiada-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{"subnet": "$NODE_POD_CIDR", "gateway": "$NODE_POD_GW"}]],
        "routes": [{"dst": "$SERVICE_CIDR"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  cat >"$NODE_DIR/containerd/config.toml" <<EOF
# containerd of the real node: its own root, state and socket (a system containerd, if any,
# is left alone); runc with cgroupfs; the CNI bridge above.
version = 2
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$NODE_SOCK"
[ttrpc]
  address = "$NODE_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$NODE_IMAGE_PAUSE"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
        Root = "$NODE_DIR/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$NODE_CNI_BIN_DIR"
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1
EOF
  node_launch containerd "$(command -v containerd)" --config "$NODE_DIR/containerd/config.toml"
  node_wait containerd 30 "containerd's socket" nctr version
  log "containerd ready ($NODE_SOCK)"
}

# --- kubelet ---------------------------------------------------------------------------------------
node_start_kubelet() {
  node_alive kubelet && return 0
  mkdir -p "$NODE_DIR"/{kubelet,pod-logs}
  local c
  for c in /sys/fs/cgroup/*/; do
    [[ -f $c/cgroup.procs ]] && mkdir -p "$c$NODE_CGROUP"
  done
  # the pods' resolv.conf for dnsPolicy Default: no name server (nothing outside the cluster)
  printf '# the real node: no DNS outside the cluster\noptions ndots:1\n' >"$NODE_DIR/resolv.conf"
  node_kubeconfig kubelet.kubeconfig kubelet-client
  cat >"$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# this host: cgroup v1 (refused by default since 1.35), cgroupfs, swap tolerated
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$NODE_CGROUP
failSwapOn: false
maxOpenFiles: 20000
containerRuntimeEndpoint: unix://$NODE_SOCK
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $S/pki/kubelet-server.crt
tlsPrivateKeyFile: $S/pki/kubelet-server.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $S/pki/ca.crt}
authorization:
  mode: Webhook
clusterDNS: [$NODE_DNS_IP]
clusterDomain: cluster.local
resolvConf: $NODE_DIR/resolv.conf
podLogsDir: $NODE_DIR/pod-logs
# images are imported, never pulled: keep them; evict only when the disk is really full
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
serializeImagePulls: false
EOF
  local -a sysctl_before=()
  for c in "${NODE_KUBELET_SYSCTLS[@]}"; do sysctl_before+=("$c=$(sysctl -n "$c")"); done
  [[ -s $NODE_DIR/sysctl.before ]] || printf '%s\n' "${sysctl_before[@]}" >"$NODE_DIR/sysctl.before"
  node_launch kubelet "$NODE_BIN_DIR/kubelet" \
    --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$NODE_DIR/kubelet.kubeconfig" \
    --root-dir="$NODE_DIR/kubelet" --cert-dir="$NODE_DIR/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
    --node-labels="kiada.dev/real-node=true"
  node_wait kubelet 90 "node $NODE_NAME Ready" \
    bash -c "[[ \$('$CLUSTER_BIN_DIR/kubectl' --kubeconfig '$S/kubeconfig' get node '$NODE_NAME' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null) == True ]]"
  node_restore_sysctls
  # the node's pod range (there is no nodeipam controller here), as a CNI-managed node has it
  kctl patch node "$NODE_NAME" --type merge \
    -p "{\"spec\":{\"podCIDR\":\"$NODE_POD_CIDR\",\"podCIDRs\":[\"$NODE_POD_CIDR\"]}}" >/dev/null 2>&1 || true
  log "kubelet ready: node $NODE_NAME ($NODE_IP) Ready"
}

node_restore_sysctls() {
  [[ -s $NODE_DIR/sysctl.before ]] || return 0
  local line changed=()
  while IFS= read -r line; do
    [[ $(sysctl -n "${line%%=*}") == "${line#*=}" ]] && continue
    sysctl -qw "$line" && changed+=("$line")
  done <"$NODE_DIR/sysctl.before"
  ((${#changed[@]} == 0)) || log "put back the host sysctls the kubelet changed: ${changed[*]}"
}

# --- kube-proxy and kube-router --------------------------------------------------------------------
node_start_kube_proxy() {
  node_alive kube-proxy && return 0
  node_kubeconfig kube-proxy.kubeconfig kube-proxy
  node_launch kube-proxy "$NODE_BIN_DIR/kube-proxy" \
    --kubeconfig="$NODE_DIR/kube-proxy.kubeconfig" --hostname-override="$NODE_NAME" \
    --proxy-mode=iptables --cluster-cidr="$NODE_POD_CIDR" \
    --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 \
    --healthz-bind-address=127.0.0.1:10256 --metrics-bind-address=127.0.0.1:10249
  node_wait kube-proxy 60 "kube-proxy's rules for the kubernetes Service" \
    innode iptables -t nat -S KUBE-SERVICES
}

node_start_kube_router() {
  node_alive kube-router && return 0
  node_kubeconfig kube-router.kubeconfig kube-router
  # firewall only: routing is the bridge's and services are kube-proxy's
  node_launch kube-router "$NODE_BIN_DIR/kube-router" \
    --kubeconfig="$NODE_DIR/kube-router.kubeconfig" --hostname-override="$NODE_NAME" \
    --run-firewall=true --run-router=false --run-service-proxy=false \
    --enable-cni=false --enable-ipv4=true --enable-ipv6=false \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --health-port=20244 --metrics-port=0 --iptables-sync-period=30s
  node_wait kube-router 60 "kube-router's health check" \
    innode bash -c "exec 3<>/dev/tcp/127.0.0.1/20244 && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && grep -q 200 <&3"
}

# --- cluster objects: RBAC, CoreDNS, local-path-provisioner ---------------------------------------
node_objects() {
  local sc
  sc=$(sed "s/@DNS_IP@/$NODE_DNS_IP/g; s|@COREDNS_IMAGE@|$NODE_IMAGE_COREDNS|g; s|@BUSYBOX_IMAGE@|$NODE_IMAGE_BUSYBOX|g; s|@LOCAL_PATH_DIR@|$NODE_DIR/local-path|g; s/@NODE_NAME@/$NODE_NAME/g" \
    "$CLUSTER_SRC_DIR/node-manifests.yaml")
  mkdir -p "$NODE_DIR/local-path"
  printf '%s\n' "$sc" | kctl apply --server-side --force-conflicts -f - >"$S/logs/node-objects.log" 2>&1 \
    || { cat "$S/logs/node-objects.log" >&2; die "applying the node's objects (RBAC, CoreDNS, local-path) failed"; }
}

node_start_local_path() {
  node_alive local-path-provisioner && return 0
  # a controller: runs on the host with the admin kubeconfig; its helper pods (busybox) run on
  # the node and create or remove the volume directories under $NODE_DIR/local-path
  node_launch_host local-path-provisioner "$NODE_BIN_DIR/local-path-provisioner" \
    --debug start --kubeconfig="$S/kubeconfig" --namespace=local-path-storage \
    --configmap-name=local-path-config --service-account-name=local-path-provisioner \
    --helper-image="$NODE_IMAGE_BUSYBOX" --provisioner-name=rancher.io/local-path
  sleep 1
  node_alive local-path-provisioner || { tail -n 20 "$S/logs/local-path-provisioner.log" >&2; die "local-path-provisioner exited at start"; }
}

node_healthy() {
  local c
  for c in "${NODE_COMPONENTS[@]}"; do node_alive "$c" || return 1; done
  [[ -e /run/netns/$NODE_NETNS ]]
}

# --- up and down -------------------------------------------------------------------------------------
node_up() {
  local started=$SECONDS missing=() b
  for b in "${NODE_BINARIES[@]}"; do [[ -x $NODE_BIN_DIR/$b ]] || missing+=("$b"); done
  if ((${#missing[@]})); then
    [[ ${KIADA_CLUSTER_NO_BUILD:-0} == 1 ]] && die "missing ${missing[*]} in $NODE_BIN_DIR (KIADA_CLUSTER_NO_BUILD=1): run build.sh node"
    log "building the node's binaries (${missing[*]}): build.sh node"
    "$CLUSTER_SRC_DIR/build.sh" node
  fi
  node_images
  node_pki
  node_start_containerd
  # shellcheck disable=SC2086 # one archive per line, no spaces in the cache path
  node_import $NODE_ARCHIVES
  node_objects
  node_start_kubelet
  node_start_kube_proxy
  node_start_kube_router
  node_start_local_path
  wait_for kube-apiserver 120 "CoreDNS Ready on the node" \
    kctl -n kube-system wait --for=condition=Available deployment/coredns --timeout=5s
  log "real node $NODE_NAME ready in $((SECONDS - started))s (pods $NODE_POD_CIDR, DNS $NODE_DNS_IP, namespace $NODE_NETNS)"
}

# Everything node_up made, in reverse: processes, containers, mounts, cgroups, containerd's
# state, the host's sysctls the kubelet changed. node_finish then removes the namespace.
node_down() {
  [[ -s $NODE_DIR/node.env ]] || return 0
  node_config
  node_stop_pid local-path-provisioner 5
  node_stop_pid kube-router 10
  node_stop_pid kube-proxy 10
  node_stop_pid kubelet 15
  # the containers: every process in the node's cgroups, then the shims of its containerd
  local c pids pid i
  for ((i = 0; i < 5; i++)); do
    pids=$(find /sys/fs/cgroup/ -path "*/$NODE_CGROUP/*" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u | tr '\n' ' ')
    [[ -z ${pids// /} ]] && break
    # shellcheck disable=SC2086 # a list of pids
    kill -KILL $pids 2>/dev/null || true
    sleep 0.5
  done
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $NODE_SOCK" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  node_stop_pid containerd 10
  # mounts under the node's directory (volumes, container root filesystems, shm, pod netns)
  local m
  for ((i = 0; i < 3; i++)); do
    mapfile -t m < <(awk -v d="$NODE_DIR/" 'index($5, d) == 1 || $5 == substr(d, 1, length(d) - 1) {print $5}' /proc/self/mountinfo | sort -r)
    ((${#m[@]} == 0)) && break
    for c in "${m[@]}"; do umount "$c" 2>/dev/null || umount -l "$c" 2>/dev/null || true; done
  done
  # cgroups, deepest first
  for c in /sys/fs/cgroup/*/"$NODE_CGROUP"; do
    [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
    [[ -d $c ]] && log "WARNING: cgroup $c is still there (a process left in it?)"
  done
  node_restore_sysctls
}

# After the control plane has stopped (the API server listens on the host end of the link):
# the namespace and its veth pair go, and the host's network is compared with the record.
node_finish() {
  [[ -s $NODE_DIR/node.env ]] || return 0
  node_config
  node_link_down
  node_host_net_check
}
