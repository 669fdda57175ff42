#!/usr/bin/env bash
# Installs schemathesis (the property-based API tester the OpenAPI conformance suite runs,
# test/http/openapi-conformance.e2e-spec.ts) from PyPI into a virtualenv cached outside the
# repository, once; later runs reuse it. Needs Python 3.11+ with venv and pip.
# Usage: schemathesis.sh [--env]
#   --env: print `export KIADA_SCHEMATHESIS=<path of its st command>` on stdout (for eval);
#          all progress goes to stderr.
# Environment:
#   KIADA_SCHEMATHESIS_VENV  the virtualenv (default ~/.cache/kiada-autoscaler/schemathesis-venv)
#   PYTHON                   the interpreter to make it with (default python3.11, else python3)
set -euo pipefail

# The major version the suite is written against (its CLI options and JSON report).
SPEC='schemathesis>=4,<5'
VENV="${KIADA_SCHEMATHESIS_VENV:-$HOME/.cache/kiada-autoscaler/schemathesis-venv}"

log() { printf '[schemathesis %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[schemathesis] ERROR: %s\n' "$*" >&2; exit 1; }

print_env=0
for a in "$@"; do
  case $a in
    --env) print_env=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument: $a (usage: schemathesis.sh [--env])" ;;
  esac
done

installed_version() { "$VENV/bin/st" --version 2>/dev/null | sed -n 's/^st, version //p'; }

version="$(installed_version || true)"
if [[ "$version" == 4.* ]]; then
  log "using schemathesis $version from $VENV"
else
  python="${PYTHON:-}"
  if [ -z "$python" ]; then
    python=$(command -v python3.11 || command -v python3 || true)
  fi
  [ -n "$python" ] || die "Python 3.11+ is needed (python3.11 or python3 on PATH, or PYTHON=...)"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$python is $("$python" --version 2>&1): schemathesis needs Python 3.11+ (set PYTHON=...)"
  started=$(date +%s)
  log "installing $SPEC from PyPI into $VENV with $("$python" --version 2>&1) (about a minute, once)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$python" -m venv "$VENV" || die "$python -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install --disable-pip-version-check --progress-bar off "$SPEC" >&2
  version="$(installed_version)"
  [[ "$version" == 4.* ]] || die "the install did not give a working st 4.x in $VENV"
  log "installed schemathesis $version in $(( $(date +%s) - started ))s"
fi

if [ "$print_env" = 1 ]; then
  printf 'export KIADA_SCHEMATHESIS=%q\n' "$VENV/bin/st"
fi
