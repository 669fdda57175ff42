# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# Common settings and helpers of the image check (check.sh, base.sh, build.sh, roles.sh).
# Sourced, not executed. Everything the image tools keep between runs lives in one cache
# directory, so deleting it makes the next run cold:
#   $KIADA_IMAGE_CACHE (default ~/.cache/kiada-autoscaler/image)
#     base-<key>.tar          the Debian + Node.js root filesystem (base.sh)
#     storage-<driver>/       buildah's and podman's image store (layers reused between runs)
#     tmp/                    buildah's RUN --mount=type=cache directories (the npm cache)
# Env: KIADA_IMAGE_CACHE, KIADA_IMAGE_STORAGE_DRIVER (overlay when the kernel allows it,
#      else vfs).

IMAGE_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGE_REPO_DIR=$(cd "$IMAGE_SRC_DIR/../.." && pwd)
IMAGE_CACHE=${KIADA_IMAGE_CACHE:-$HOME/.cache/kiada-autoscaler/image}
# The app image the check builds and runs (local only, never pushed).
APP_IMAGE=localhost/kiada-autoscaler:check

# Seconds since the outermost script started (exported, so nested scripts count from it too).
: "${IMAGE_T0:=$(date +%s)}"
export IMAGE_T0
image_elapsed() { echo $(($(date +%s) - IMAGE_T0)); }
image_log() { printf '[image %s +%ss] %s\n' "$(date +%H:%M:%S)" "$(image_elapsed)" "$*" >&2; }
image_die() { printf '[image] ERROR: %s\n' "$*" >&2; exit 1; }

# --- container tools -----------------------------------------------------------------------
IMAGE_PACKAGES=(buildah podman runc mmdebstrap)

# Installs the container tools from Debian's packages when one is missing (idempotent).
ensure_image_tools() {
  local missing=() tool
  for tool in "${IMAGE_PACKAGES[@]}" curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || image_die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
  command -v apt-get >/dev/null || image_die "missing ${missing[*]} and no apt-get: install them with your package manager"
  image_log "installing ${missing[*]} from Debian's packages"
  local started=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || image_log "apt-get update failed; trying the install with the lists at hand"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || image_die "apt-get install ${missing[*]} failed (see above); fix the package source or install them by hand"
  image_log "installed ${missing[*]} in $((SECONDS - started))s"
}

# overlay when the kernel lets this user mount it (fast, layers share files), else vfs
# (works everywhere, copies every layer in full).
storage_driver() {
  if [[ -n ${KIADA_IMAGE_STORAGE_DRIVER:-} ]]; then echo "$KIADA_IMAGE_STORAGE_DRIVER"; return; fi
  local probe ok=vfs
  mkdir -p "$IMAGE_CACHE"
  probe=$(mktemp -d "$IMAGE_CACHE/.overlay-probe.XXXXXX")
  mkdir "$probe"/{lower,upper,work,merged}
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    ok=overlay
  fi
  rm -rf "$probe"
  echo "$ok"
}

# Sets CONTAINER_STORAGE (global options shared by buildah and podman: one image store) and
# PODMAN_RUNTIME (podman options this kind of machine needs: runc, cgroupfs).
init_container_storage() {
  local driver state
  driver=$(storage_driver)
  # Runtime state (locks, container state) belongs outside the cache: one dir per store.
  state=/run/kiada-autoscaler-image-$(printf '%s' "$IMAGE_CACHE/storage-$driver" | sha256sum | cut -c1-12)
  mkdir -p "$IMAGE_CACHE/storage-$driver" "$IMAGE_CACHE/tmp" "$state"
  CONTAINER_STORAGE=(--root "$IMAGE_CACHE/storage-$driver" --runroot "$state/storage" --storage-driver "$driver")
  # crun (podman's default here) fails on hosts with cgroups v1 in hybrid mode; runc works.
  PODMAN_RUNTIME=(--runtime runc --cgroup-manager cgroupfs --tmpdir "$state/libpod" --events-backend file)
  # buildah keeps RUN --mount=type=cache directories under $TMPDIR: keep them in the cache.
  export TMPDIR=$IMAGE_CACHE/tmp
  IMAGE_STORAGE_DRIVER=$driver
}

# `podman run` options every run of the check uses: the host's network (MariaDB and the
# API server listen on 127.0.0.1), no HEALTHCHECK timers (they need systemd), and rlimits
# this kind of machine accepts (it refuses podman's defaults, which exceed the hard limits).
_nofile=$(ulimit -Hn)
[[ $_nofile =~ ^[0-9]+$ ]] || _nofile=1048576
PODMAN_RUN=(--network host --no-healthcheck --ulimit "nofile=$_nofile:$_nofile" --ulimit nproc=4096:4096)
unset _nofile

image_buildah() { buildah "${CONTAINER_STORAGE[@]}" "$@"; }
image_podman() { podman "${CONTAINER_STORAGE[@]}" "${PODMAN_RUNTIME[@]}" "$@"; }

# Image size in bytes (uncompressed layers), as `podman images` counts it.
image_size() { image_podman image inspect --format '{{.Size}}' "$1"; }
# Bytes as MB (10^6, as podman prints them), one decimal.
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000000 }'; }
