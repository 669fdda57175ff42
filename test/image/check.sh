#!/usr/bin/env bash
# The container image check, without a Docker engine (run by test/run-all.sh):
#   1. installs buildah, podman, runc and mmdebstrap from Debian's packages when missing;
#   2. builds the project's Dockerfile with buildah on a Node.js base image made from
#      Debian's packages and this machine's node (base.sh, build.sh; cached between runs);
#   3. prints the image's size and what the app adds to the base, and fails over budget
#      (size.sh);
#   4. runs the image with podman the way the Helm chart runs it and checks the migrate,
#      operator and api roles against MariaDB and a Kubernetes API server (roles.sh).
# It uses the MariaDB of TEST_DATABASE_URL and the cluster KUBECONFIG names when they answer
# (as test/run-all.sh arranges), else starts them like `npm run test:e2e` does (and stops the
# cluster again). Needs `npm ci` (the check uses the project's mysql2) and root for apt-get.
#
# Usage: test/image/check.sh
# Env: KIADA_IMAGE_CACHE (base tarball, image store; default ~/.cache/kiada-autoscaler/image),
#      KIADA_IMAGE_STORAGE_DRIVER, KIADA_IMAGE_APP_BUDGET_MB (default 120), KIADA_IMAGE_KEEP,
#      and those of test/support/services.sh (TEST_DATABASE_URL, KUBECONFIG, KIADA_CLUSTER_DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=lib.sh
source test/image/lib.sh

[[ -d node_modules/mysql2 ]] || image_die "node_modules is missing: run npm ci first (the check uses the project's mysql2)"
ensure_image_tools

SERVICES_TAG=image
# shellcheck source=../support/services.sh
source test/support/services.sh
ensure_database
ensure_cluster
command -v helm >/dev/null || eval "$(bash test/cluster/build.sh --env helm)"

bash test/image/build.sh
bash test/image/size.sh
bash test/image/roles.sh
image_log "image check passed in $(image_elapsed)s (cache: $(du -sh "$IMAGE_CACHE" 2>/dev/null | cut -f1) in $IMAGE_CACHE)"
