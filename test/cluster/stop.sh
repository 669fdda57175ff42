#!/usr/bin/env bash
# Stops every component started by start.sh (by the pids in its state dir) and removes
# the state dir ${KIADA_CLUSTER_DIR:-/tmp/kiada-cluster}. Usage: stop.sh [--keep-state]
# With a real node (start.sh --real-node): first its processes and containers, mounts,
# cgroups and containerd state, then the control plane, then its network namespace; last,
# the host's network is compared with the record made before start (exit 1 on a difference).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S=$CLUSTER_STATE_DIR
T0=$SECONDS
log() { printf '[cluster %s +%ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - T0))" "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=node.sh
source "$CLUSTER_SRC_DIR/node.sh"
keep=0; [[ ${1:-} == --keep-state ]] && keep=1

exec 9>"$S.lock"
flock -w 600 9 || { echo "[cluster] ERROR: timed out waiting for the lock $S.lock" >&2; exit 1; }
if [[ ! -d $S ]]; then echo "[cluster] nothing to stop ($S does not exist)" >&2; exit 0; fi
[[ -d $S/pids ]] || { echo "[cluster] ERROR: $S does not look like a cluster state dir (no pids/); not touching it" >&2; exit 1; }

# the real node first (its kubelet and kube-proxy talk to the API server)
# shellcheck disable=SC2034 # read by node.sh
SERVICE_CIDR=${KIADA_CLUSTER_SERVICE_CIDR:-10.96.0.0/16}
if node_enabled; then node_down; fi
# reverse start order; only pids whose executable is one of our cluster binaries
for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f=$S/pids/$c.pid
  [[ -s $f ]] || continue
  pid=$(cat "$f")
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  if [[ -n $exe && $(basename "${exe% (deleted)}") == "$c" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do [[ -e /proc/$pid ]] || break; sleep 0.25; done
    if [[ -e /proc/$pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
    echo "[cluster] stopped $c (pid $pid)" >&2
  fi
  rm -f "$f"
done
if node_enabled; then node_finish; fi
if awk -v d="$S/" 'index($5, d) == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
  awk -v d="$S/" 'index($5, d) == 1 {print "  " $5}' /proc/self/mountinfo >&2
  die "mounts are left under $S (above): not removing it; unmount them and run stop.sh again"
fi
if ((keep)); then
  echo "[cluster] state kept in $S" >&2
else
  rm -rf "$S"
  echo "[cluster] removed $S" >&2
fi
