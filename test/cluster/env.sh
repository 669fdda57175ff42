# shellcheck shell=bash
# Source it:   . test/cluster/env.sh   -> sets KUBECONFIG and puts kubectl/helm/... on PATH
# Or run it:   test/cluster/env.sh     -> prints the export lines (eval "$(test/cluster/env.sh)")
# It does not start anything; run test/cluster/start.sh first.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  exec "$(dirname "${BASH_SOURCE[0]}")/start.sh" --env
fi
eval "$("$(dirname "${BASH_SOURCE[0]}")/start.sh" --env)"
