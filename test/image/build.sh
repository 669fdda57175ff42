#!/usr/bin/env bash
# Builds the project's Dockerfile with buildah (no Docker engine), unchanged, on the base
# image of base.sh (its NODE_IMAGE build argument), as $APP_IMAGE (lib.sh). Layers are kept
# in the image store, so a rebuild only redoes the steps whose inputs changed.
#
# Usage: test/image/build.sh      prints the step lines with timings; the full log is
#                                 $KIADA_IMAGE_CACHE/build.log
# Env: see lib.sh.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

base=$(bash "$IMAGE_SRC_DIR/base.sh" | tail -n 1)
init_container_storage
log=$IMAGE_CACHE/build.log
started=$SECONDS
image_log "building $APP_IMAGE from Dockerfile with buildah (NODE_IMAGE=$base, $IMAGE_STORAGE_DRIVER storage; full log: $log)"
# --format docker keeps the Dockerfile's HEALTHCHECK (the OCI format has no such field).
# --isolation chroot: RUN steps need no user namespaces or runtime; they share the host's
# network, which reaches Debian's mirror and the npm registry.
set +e
image_buildah bud --format docker --layers --isolation chroot \
  --build-arg "NODE_IMAGE=$base" -t "$APP_IMAGE" -f "$IMAGE_REPO_DIR/Dockerfile" "$IMAGE_REPO_DIR" 2>&1 \
  | tee "$log" \
  | while IFS= read -r line; do
      # progress: the steps that do work (RUN, COPY) as they start, and which came from cache
      if [[ $line =~ ^\[[0-9]+/[0-9]+\]\ STEP\ [0-9]+/[0-9]+:\ (RUN|COPY) ]]; then
        image_log "  ${line:0:140}"
        working=1
      elif [[ $line == *" STEP "* ]]; then
        working=""
      elif [[ $line == *"Using cache"* && -n ${working:-} ]]; then
        image_log "    (from cache)"
      fi
    done
status=${PIPESTATUS[0]}
set -e
if ((status != 0)); then
  echo "---- last lines of $log" >&2
  tail -n 40 "$log" >&2
  image_die "buildah bud failed (exit $status): the Dockerfile does not build on $base (see above)"
fi
image_log "built $APP_IMAGE in $((SECONDS - started))s"
