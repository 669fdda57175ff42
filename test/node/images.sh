#!/usr/bin/env bash
# Builds every image the real-node suite runs, here, because no registry can be reached:
#   app       the project's Dockerfile (test/image/build.sh, buildah, the Debian + Node.js base)
#   mariadb   Debian's MariaDB with the official mysql image's environment contract
#             (images/mariadb, on the same Debian base)
#   kiada     the scaled demo app: busybox httpd with a start-up delay (images/kiada)
#   tools     the `helm test` pod's image: Debian's GNU wget and grep (images/test-tools)
#   busybox   Debian's busybox-static, for the suite's client pods and local-path's helpers
#   pause     Kubernetes' pause.c (from the k8s.io/kubernetes module) compiled static
#   coredns   the CoreDNS binary test/cluster/build.sh built, for the real node's cluster DNS
# and saves each as a docker-archive tarball (what `ctr images import` and
# `kind load image-archive` read), cached by image ID and reference in
# $KIADA_IMAGE_CACHE/node-archives.
# An image whose inputs did not change is neither rebuilt nor saved again.
#
# Usage: test/node/images.sh [name ...]   (default: all seven)
#        progress on stderr; on stdout, lines to eval:
#          KIADA_NODE_IMAGE_<NAME>=<reference>  and  KIADA_NODE_ARCHIVE_<NAME>=<tarball>
# Env: those of test/image/lib.sh (KIADA_IMAGE_CACHE, KIADA_IMAGE_STORAGE_DRIVER).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../image/lib.sh
source "$here/../image/lib.sh"
# shellcheck source=../cluster/lib.sh
source "$here/../cluster/lib.sh"

ALL=(app mariadb kiada tools busybox pause coredns)
WANT=("$@")
((${#WANT[@]})) || WANT=("${ALL[@]}")
for name in "${WANT[@]}"; do
  [[ " ${ALL[*]} " == *" $name "* ]] || image_die "unknown image '$name' (known: ${ALL[*]})"
done
want() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

ensure_image_tools
for need in gcc:gcc busybox:busybox-static; do
  command -v "${need%%:*}" >/dev/null && continue
  [[ $(id -u) == 0 ]] || image_die "missing ${need%%:*}: apt-get install ${need#*:}"
  image_log "installing ${need#*:} from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need#*:}" >&2 \
    || image_die "apt-get install ${need#*:} failed (see above)"
done
if [[ ! -f /usr/lib/$(gcc -dumpmachine)/libc.a ]]; then
  [[ $(id -u) == 0 ]] || image_die "static glibc is missing (pause is linked statically): apt-get install libc6-dev"
  image_log "installing libc6-dev from Debian's packages (pause is linked statically)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends libc6-dev >&2 \
    || image_die "apt-get install libc6-dev failed (see above)"
fi

init_container_storage
ARCHIVES=$IMAGE_CACHE/node-archives
mkdir -p "$ARCHIVES"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kiada-node-images.XXXXXX")
container=""
cleanup() {
  [[ -n $container ]] && image_buildah rm "$container" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# key of files, directories (their relative paths and contents) and words: 12 hex digits
key_of() {
  local f
  for f in "$@"; do
    if [[ -d $f ]]; then (cd "$f" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    elif [[ -f $f ]]; then sha256sum <"$f"
    else echo "$f"; fi
  done | sha256sum | cut -c1-12
}
have() { image_buildah inspect --type image "$1" >/dev/null 2>&1; }

# from_scratch <ref> <dir> <buildah config options...>: an image of one directory tree
from_scratch() {
  local ref=$1 dir=$2; shift 2
  container=$(image_buildah from scratch)
  image_buildah add "$container" "$dir" / >/dev/null
  image_buildah config "$@" "$container"
  image_buildah commit --quiet --rm "$container" "$ref" >/dev/null
  container=""
}

declare -A REF=()
# first: a new base (another Node.js, npm or CA bundle) empties the image store
base=""
if want mariadb || want tools || want app; then base=$(bash "$IMAGE_SRC_DIR/base.sh" | tail -n 1); fi

# --- busybox: Debian's busybox-static with its applets as links ---------------------------
busybox_version=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null | sed 's/^[0-9]*://; s/[^A-Za-z0-9_.-]/_/g')
busybox_bin=$(command -v busybox)
REF[busybox]=localhost/kiada-busybox:${busybox_version:-local}-$(key_of "$busybox_bin" "${BASH_SOURCE[0]}")
if ! have "${REF[busybox]}"; then
  image_log "building ${REF[busybox]} (Debian's busybox-static)"
  mkdir -p "$WORK/busybox/bin" "$WORK/busybox/tmp" "$WORK/busybox/etc"
  cp "$busybox_bin" "$WORK/busybox/bin/busybox"
  for applet in $("$busybox_bin" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$WORK/busybox/bin/$applet"
  done
  chmod 1777 "$WORK/busybox/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$WORK/busybox/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$WORK/busybox/etc/group"
  from_scratch "${REF[busybox]}" "$WORK/busybox" --cmd '["sh"]' --env PATH=/bin
fi

# --- pause: the sandbox container ------------------------------------------------------------
kube_dir=$(cd "$CLUSTER_SRC_DIR/go/kubernetes" && go list -m -f '{{.Dir}}' k8s.io/kubernetes 2>/dev/null) \
  || kube_dir=$(cd "$CLUSTER_SRC_DIR/go/kubernetes" && go mod download -json k8s.io/kubernetes | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
pause_c=$kube_dir/build/pause/linux/pause.c
[[ -f $pause_c ]] || image_die "cannot find pause.c in the k8s.io/kubernetes module ($pause_c): run test/cluster/build.sh first"
pause_version=$(sed -n 's/^TAG ?= *//p' "$kube_dir/build/pause/Makefile")
REF[pause]=localhost/kiada-pause:${pause_version:-local}-$(key_of "$pause_c" "${BASH_SOURCE[0]}")
if want pause && ! have "${REF[pause]}"; then
  image_log "building ${REF[pause]} (pause.c of Kubernetes $KUBE_VERSION, static)"
  mkdir -p "$WORK/pause"
  gcc -Os -static -Wall -DVERSION="v$pause_version" -o "$WORK/pause/pause" "$pause_c" \
    || image_die "compiling $pause_c failed (see above)"
  strip "$WORK/pause/pause"
  from_scratch "${REF[pause]}" "$WORK/pause" --entrypoint '["/pause"]' --user 65535:65535
fi

# --- kiada and mariadb: Containerfiles -------------------------------------------------------
bud() { # <ref> <context dir> <build args...>
  local ref=$1 dir=$2 started=$SECONDS; shift 2
  image_log "building $ref from $dir (buildah bud; log $IMAGE_CACHE/$(basename "$dir").build.log)"
  if ! image_buildah bud --format docker --layers --isolation chroot "$@" -t "$ref" -f "$dir/Containerfile" "$dir" \
    >"$IMAGE_CACHE/$(basename "$dir").build.log" 2>&1; then
    tail -n 30 "$IMAGE_CACHE/$(basename "$dir").build.log" >&2
    image_die "buildah bud of $dir failed (see above)"
  fi
  image_log "built $ref in $((SECONDS - started))s"
}
REF[kiada]=localhost/kiada-demo:0.1-$(key_of "$here/images/kiada" "${REF[busybox]}")
want kiada && ! have "${REF[kiada]}" && bud "${REF[kiada]}" "$here/images/kiada" --build-arg "BUSYBOX_IMAGE=${REF[busybox]}"

REF[mariadb]=localhost/kiada-mariadb:10.11-$(key_of "$here/images/mariadb" "$base")
want mariadb && ! have "${REF[mariadb]}" && bud "${REF[mariadb]}" "$here/images/mariadb" --build-arg "BASE=$base"
REF[tools]=localhost/kiada-test-tools:$(key_of "$here/images/test-tools" "$base")
want tools && ! have "${REF[tools]}" && bud "${REF[tools]}" "$here/images/test-tools" --build-arg "BASE=$base"

# --- the project's image -----------------------------------------------------------------------
want app && bash "$IMAGE_SRC_DIR/build.sh"
REF[app]=$APP_IMAGE

# --- coredns: the binary of test/cluster/build.sh ---------------------------------------------
coredns_bin=$NODE_BIN_DIR/coredns
if want coredns; then
  [[ -x $coredns_bin ]] || image_die "$coredns_bin is missing: run test/cluster/build.sh node"
  REF[coredns]=localhost/kiada-coredns:${COREDNS_VERSION#v}-$(key_of "$coredns_bin")
fi
if want coredns && ! have "${REF[coredns]}"; then
  image_log "building ${REF[coredns]}"
  mkdir -p "$WORK/coredns"
  cp "$coredns_bin" "$WORK/coredns/coredns"
  from_scratch "${REF[coredns]}" "$WORK/coredns" --entrypoint '["/coredns"]' --user 65532:65532
fi

# --- archives ----------------------------------------------------------------------------------
for name in "${WANT[@]}"; do
  ref=${REF[$name]}
  # by image ID and reference: the tarball carries the reference it was saved under
  id=$(image_buildah inspect --type image --format '{{.FromImageID}}' "$ref")
  archive=$ARCHIVES/$name-$(printf '%s %s' "$ref" "$id" | sha256sum | cut -c1-12).tar
  if [[ ! -s $archive ]]; then
    started=$SECONDS
    rm -f "$ARCHIVES/$name"-*.tar
    image_podman save --quiet --format docker-archive -o "$archive.partial" "$ref" \
      || image_die "podman save $ref failed"
    mv "$archive.partial" "$archive"
    image_log "saved $ref -> $archive ($(du -m "$archive" | cut -f1) MB, $((SECONDS - started))s)"
  fi
  upper=${name^^}
  printf 'KIADA_NODE_IMAGE_%s=%s\nKIADA_NODE_ARCHIVE_%s=%s\n' "$upper" "$ref" "$upper" "$archive"
done
