#!/usr/bin/env bash
# Restarts only kube-apiserver (same port, certs and tokens; etcd keeps running with its
# data), then waits for /readyz. Same as `start.sh --restart-apiserver [--hard]`.
# --hard: SIGKILL instead of SIGTERM (simulates a crash).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/start.sh" --restart-apiserver "$@"
