#!/usr/bin/env bash
# Measures the built image ($APP_IMAGE, build.sh): its size, the size of what the app adds
# to the base image (the layers above it), those layers, and the largest packages under
# /app/node_modules. Fails when the app's part exceeds the budget.
#
# Usage: test/image/size.sh
# Env: see lib.sh; KIADA_IMAGE_APP_BUDGET_MB (default 120): most MB (10^6 bytes) the app may
#      add to the base.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

budget=${KIADA_IMAGE_APP_BUDGET_MB:-120}
[[ $budget =~ ^[0-9]+$ ]] || image_die "KIADA_IMAGE_APP_BUDGET_MB must be a whole number of MB (got \"$budget\")"
init_container_storage
image_podman image exists "$APP_IMAGE" || image_die "$APP_IMAGE is not built: run test/image/build.sh"

base=$(bash "$IMAGE_SRC_DIR/base.sh" | tail -n 1)
base_history=$(image_podman history --quiet "$base" | wc -l)
image_bytes=$(image_size "$APP_IMAGE")
base_bytes=$(image_size "$base")
app_bytes=$((image_bytes - base_bytes))

image_log "image $APP_IMAGE: $(mb "$image_bytes") MB; base $base: $(mb "$base_bytes") MB; the app adds $(mb "$app_bytes") MB (budget $budget MB)"
image_log "layers above the base (size, step):"
image_podman history --format '{{.Size}}|{{.CreatedBy}}' "$APP_IMAGE" \
  | head -n "-$base_history" \
  | awk -F'|' '$1 != "0 B" { sub(/^\/bin\/sh -c (#\(nop\) )?/, "", $2); printf "  %10s  %s\n", $1, substr($2, 1, 100) }' >&2
image_log "largest packages in /app/node_modules (apparent size):"
# shellcheck disable=SC2016 # expanded by the shell in the container
image_podman run --rm "${PODMAN_RUN[@]}" --user 0 "$APP_IMAGE" sh -c '
  cd /app
  echo "total node_modules $(du -sb node_modules | cut -f1) bytes in $(find node_modules -type f | wc -l) files; dist $(du -sb dist | cut -f1) bytes"
  du -sb node_modules/[!@]* node_modules/@*/* 2>/dev/null | sort -rn | head -n 10 | awk "{ printf \"  %8.1f MB  %s\n\", \$1 / 1000000, \$2 }"' >&2

if ((app_bytes > budget * 1000000)); then
  image_die "the app adds $(mb "$app_bytes") MB to the base, over the budget of $budget MB: see the largest packages above (build-only packages belong in devDependencies; the Dockerfile's production-dependencies stage drops files no runtime loads)"
fi
