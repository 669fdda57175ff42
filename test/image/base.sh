#!/usr/bin/env bash
# Makes a local stand-in for the official Node.js image (node:<version>-bookworm-slim) from
# Debian's packages, for machines that cannot pull from a container registry: Debian
# bookworm (mmdebstrap, minbase), this machine's own Node.js and npm in the official image's
# layout (/usr/local/bin/node, /usr/local/lib/node_modules/npm, user `node` uid 1000), plus
# what an offline build needs: Node's headers (node-gyp compiles native add-ons without
# downloading them) and this machine's CA bundle (npm trusts the same TLS proxies).
#
# Usage: test/image/base.sh        prints the image name on its last line
# The root filesystem tarball is cached in $KIADA_IMAGE_CACHE, keyed by the Node.js and npm
# versions, the CA bundle and this script; the image is kept in the image store.
# Env: see lib.sh (KIADA_IMAGE_CACHE, KIADA_IMAGE_STORAGE_DRIVER).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUITE=bookworm
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

node_bin=$(command -v node) || image_die "node is not on PATH: install Node.js 20.19+ (the base image copies this machine's node)"
node_bin=$(readlink -f "$node_bin")
npm_bin=$(command -v npm) || image_die "npm is not on PATH: install npm (the base image copies it)"
npm_dir=$(dirname "$(dirname "$(readlink -f "$npm_bin")")")   # .../node_modules/npm
node_headers=$(dirname "$(dirname "$node_bin")")/include/node
node_version=$("$node_bin" --version)
npm_version=$("$npm_bin" --version)
[[ -f $npm_dir/package.json ]] || image_die "cannot find npm's package directory (looked at $npm_dir)"
[[ -f $node_headers/node_version.h ]] \
  || image_die "Node's headers are missing at $node_headers: install the headers of $node_version there (NodeSource's nodejs package ships them) so native add-ons build offline"
[[ -f $CA_BUNDLE ]] || image_die "missing $CA_BUNDLE: install ca-certificates"

key=$(cat "${BASH_SOURCE[0]}" "$CA_BUNDLE" <(echo "$SUITE $node_version $npm_version") | sha256sum | cut -c1-12)
tarball=$IMAGE_CACHE/base-$SUITE-node${node_version#v}-$key.tar
image=localhost/kiada-node-base:${node_version#v}-$key

init_container_storage
if image_buildah inspect --type image "$image" >/dev/null 2>&1; then
  image_log "base image $image is in the image store"
  echo "$image"
  exit 0
fi

if [[ ! -s $tarball ]]; then
  started=$SECONDS
  image_log "making the base root filesystem with mmdebstrap: Debian $SUITE minbase + node $node_version, npm $npm_version (about a minute)"
  rm -f "$IMAGE_CACHE"/base-*.tar   # older bases (other Node.js, npm or CA bundle)
  # shellcheck disable=SC2016 # $1 is the root directory, expanded by mmdebstrap's hook shell
  mmdebstrap --quiet --format=tar --variant=minbase --include=ca-certificates \
    --customize-hook='mkdir -p "$1/usr/local/bin" "$1/usr/local/lib/node_modules" "$1/usr/local/include"' \
    --customize-hook="copy-in $node_bin /usr/local/bin/" \
    --customize-hook="copy-in $npm_dir /usr/local/lib/node_modules/" \
    --customize-hook="copy-in $node_headers /usr/local/include/" \
    --customize-hook='ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
    --customize-hook='ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook="copy-in $CA_BUNDLE /etc/ssl/certs/" \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    --customize-hook='chroot "$1" /usr/local/bin/node --version >/dev/null || { echo "this machine'"'"'s node does not run inside Debian '"$SUITE"' (a node linked to libraries the base lacks?)" >&2; exit 1; }' \
    "$SUITE" "$tarball.partial" >&2 \
    || { rm -f "$tarball.partial"; image_die "mmdebstrap failed (see above): Debian's mirror must be reachable (apt-get update works?)"; }
  mv "$tarball.partial" "$tarball"
  image_log "base root filesystem: $(du -m "$tarball" | cut -f1) MB in $((SECONDS - started))s ($tarball)"
fi

started=$SECONDS
image_log "importing $tarball as $image"
# Images and build layers made on an older base are of no further use: drop them so the
# store does not grow with every new Node.js or npm.
image_buildah rmi --all --force >/dev/null 2>&1 || true
container=$(image_buildah from scratch)
trap 'image_buildah rm "$container" >/dev/null 2>&1 || true' EXIT
image_buildah add "$container" "$tarball" / >/dev/null
image_buildah config \
  --env NODE_VERSION="${node_version#v}" \
  --env NODE_EXTRA_CA_CERTS="$CA_BUNDLE" \
  --env npm_config_nodedir=/usr/local \
  --cmd node "$container"
image_buildah commit --quiet --rm "$container" "$image" >/dev/null
trap - EXIT
image_log "base image $image ready in $((SECONDS - started))s"
echo "$image"
