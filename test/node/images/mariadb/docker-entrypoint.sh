#!/bin/bash
# Entry point of the MariaDB image: the official `mysql` image's environment contract, written
# for Debian's MariaDB (that image's own entrypoint is not packaged by Debian).
# On the first start (no /var/lib/mysql/mysql): initialise the data directory, start a
# temporary server without networking, set root's password (MYSQL_ROOT_PASSWORD, or none with
# MYSQL_ALLOW_EMPTY_PASSWORD, or a random one with MYSQL_RANDOM_ROOT_PASSWORD, printed once),
# create MYSQL_DATABASE and MYSQL_USER/MYSQL_PASSWORD with all privileges on it, run
# /docker-entrypoint-initdb.d/*.sql and *.sh, stop the temporary server. Then exec the server.
# The readiness probe of a TCP client fails until then (the temporary server has no network).
set -euo pipefail
log() { printf '%s [entrypoint] %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ ${1:-} == -* ]]; then set -- mariadbd "$@"; fi
if [[ ${1:-} != mariadbd && ${1:-} != mysqld ]]; then exec "$@"; fi

DATADIR=/var/lib/mysql
[[ -w $DATADIR ]] || die "$DATADIR is not writable by uid $(id -u): give the volume to uid 999 (fsGroup 999) or make it writable"

if [[ ! -d $DATADIR/mysql ]]; then
  if [[ -z ${MYSQL_ROOT_PASSWORD:-} && -z ${MYSQL_ALLOW_EMPTY_PASSWORD:-} && -z ${MYSQL_RANDOM_ROOT_PASSWORD:-} ]]; then
    die "the database is uninitialised and no root password is set: set MYSQL_ROOT_PASSWORD (or MYSQL_ALLOW_EMPTY_PASSWORD=yes or MYSQL_RANDOM_ROOT_PASSWORD=yes)"
  fi
  if [[ -n ${MYSQL_USER:-} && -z ${MYSQL_PASSWORD:-} ]]; then die "MYSQL_USER is set without MYSQL_PASSWORD"; fi
  if [[ ${MYSQL_USER:-} == root ]]; then die "MYSQL_USER=root: root is created anyway; set MYSQL_ROOT_PASSWORD instead"; fi
  log "initialising $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --rpm >/tmp/install-db.log 2>&1 \
    || { cat /tmp/install-db.log >&2; die "mariadb-install-db failed (above)"; }
  socket=/tmp/mariadb-init.sock
  "$@" --skip-networking --socket="$socket" &
  pid=$!
  sql() { mariadb --protocol=socket --socket="$socket" --user=root "$@"; }
  for _ in $(seq 1 60); do sql --execute='SELECT 1' >/dev/null 2>&1 && break; kill -0 "$pid" 2>/dev/null || die "the temporary server exited"; sleep 1; done
  sql --execute='SELECT 1' >/dev/null || die "the temporary server did not answer within 60 s"
  if [[ -n ${MYSQL_RANDOM_ROOT_PASSWORD:-} ]]; then
    MYSQL_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    log "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
  fi
  esc() { printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g"; }
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # like the official image: no anonymous users (they would shadow MYSQL_USER), and root
    # only as root@localhost (mariadb-install-db also makes root@127.0.0.1, ::1 and the
    # host name without a password) plus root@'%' below
    echo "DELETE FROM mysql.global_priv WHERE User='' OR (User='root' AND Host <> 'localhost');"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(esc "${MYSQL_ROOT_PASSWORD:-}")';"
    # like the official image: root may also log in over TCP (the password guards it)
    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$(esc "${MYSQL_ROOT_PASSWORD:-}")';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [[ -n ${MYSQL_DATABASE:-} ]]; then echo "CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE//\`/}\`;"; fi
    if [[ -n ${MYSQL_USER:-} ]]; then
      echo "CREATE USER '$(esc "$MYSQL_USER")'@'%' IDENTIFIED BY '$(esc "$MYSQL_PASSWORD")';"
      if [[ -n ${MYSQL_DATABASE:-} ]]; then echo "GRANT ALL ON \`${MYSQL_DATABASE//\`/}\`.* TO '$(esc "$MYSQL_USER")'@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | sql || die "setting up root, MYSQL_DATABASE and MYSQL_USER failed"
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sql) log "running $f"; sql --password="${MYSQL_ROOT_PASSWORD:-}" ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} <"$f" ;;
      *.sh) log "running $f"; . "$f" ;;
    esac
  done
  kill -TERM "$pid"
  wait "$pid" || die "the temporary server did not stop cleanly"
  log "initialised: database '${MYSQL_DATABASE:-}', user '${MYSQL_USER:-}'"
fi
exec "$@"
