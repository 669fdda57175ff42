#!/usr/bin/env bash
# Makes a MariaDB server available for the tests, idempotently:
#  - DATABASE_URL/TEST_DATABASE_URL already set and reachable: use that server as it is;
#  - else install Debian's mariadb-server when absent, start mysqld on 127.0.0.1:${TEST_DB_PORT:-3306}
#    without systemd (data in ${TEST_DB_DIR:-/var/lib/kiada-test-mariadb}), and create the test
#    database and user. TEST_DB_PORT/TEST_DB_DIR start a second server of a test's own
#    (test/support/own-mariadb.ts); TEST_DB_FLUSH_LOG_AT_COMMIT=2 makes commits survive a kill;
#    TEST_DB_SERVER_ARGS adds options to mysqld's command line (e.g. TLS: --ssl-cert=...).
# Prints the URL to use on its last line: TEST_DATABASE_URL=mysql://...
set -euo pipefail

PORT="${TEST_DB_PORT:-3306}"
DATA_DIR="${TEST_DB_DIR:-/var/lib/kiada-test-mariadb}"
RUN_DIR="${DATA_DIR}-run"
SOCKET="$RUN_DIR/mysqld.sock"
DB_NAME="${TEST_DB_NAME:-kiada_test}"
DB_USER="${TEST_DB_USER:-kiada}"
DB_PASSWORD="${TEST_DB_PASSWORD:-kiada}"
# 0 (the suites' default): fastest, loses up to a second of commits when the server is
# killed; 2: every commit survives a killed server (tests that SIGKILL it).
FLUSH_AT_COMMIT="${TEST_DB_FLUSH_LOG_AT_COMMIT:-0}"
read -r -a SERVER_ARGS <<<"${TEST_DB_SERVER_ARGS:-}"
URL="mysql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PORT}/${DB_NAME}"

log() { echo "[mariadb] $*" >&2; }

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  log "using TEST_DATABASE_URL as given"
  echo "TEST_DATABASE_URL=$TEST_DATABASE_URL"
  exit 0
fi

server_bin() { command -v mariadbd || command -v mysqld || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; } || true; }

if [ -z "$(server_bin)" ]; then
  if [ "$(id -u)" != 0 ]; then
    log "mariadb-server is not installed and this is not root: install it (apt-get install mariadb-server) or set TEST_DATABASE_URL"
    exit 1
  fi
  log "installing mariadb-server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || log "apt-get update failed; trying the install with the lists at hand"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mariadb-server mariadb-client >&2
fi
SERVER="$(server_bin)"
CLIENT="$(command -v mariadb || command -v mysql)"

alive() { "$CLIENT" --protocol=socket -S "$SOCKET" -uroot -e 'SELECT 1' >/dev/null 2>&1; }

# A server Debian's package (or a person) already started is used as it is.
if ! alive && [ "$PORT" = 3306 ]; then
  for candidate in /run/mysqld/mysqld.sock /var/run/mysqld/mysqld.sock; do
    if [ -S "$candidate" ] && "$CLIENT" --protocol=socket -S "$candidate" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
      log "using the server already running on $candidate"
      SOCKET="$candidate"
      break
    fi
  done
fi

if ! alive; then
  mkdir -p "$DATA_DIR" "$RUN_DIR"
  chown -R mysql:mysql "$DATA_DIR" "$RUN_DIR" 2>/dev/null || true
  if [ ! -d "$DATA_DIR/mysql" ]; then
    log "initialising a data directory in $DATA_DIR"
    INSTALL_DB="$(command -v mariadb-install-db || command -v mysql_install_db)"
    "$INSTALL_DB" --user=mysql --datadir="$DATA_DIR" --auth-root-authentication-method=socket \
      --skip-test-db >"$RUN_DIR/install.log" 2>&1 || { cat "$RUN_DIR/install.log" >&2; exit 1; }
  fi
  log "starting $SERVER on 127.0.0.1:$PORT"
  # Tests trade durability for speed: no fsync on commit (see TEST_DB_FLUSH_LOG_AT_COMMIT).
  nohup "$SERVER" --user=mysql --datadir="$DATA_DIR" --socket="$SOCKET" --pid-file="$RUN_DIR/mysqld.pid" \
    --bind-address=127.0.0.1 --port="$PORT" --skip-name-resolve \
    --innodb-flush-log-at-trx-commit="$FLUSH_AT_COMMIT" --innodb-buffer-pool-size=512M --max-connections=500 \
    --log-error="$RUN_DIR/error.log" "${SERVER_ARGS[@]}" >/dev/null 2>&1 &
  for _ in $(seq 1 60); do
    alive && break
    sleep 1
  done
  alive || { log "mysqld did not start; its log:"; tail -n 30 "$RUN_DIR/error.log" >&2; exit 1; }
fi

"$CLIENT" --protocol=socket -S "$SOCKET" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
-- e2e specs create and drop their own scratch databases named ${DB_NAME}_*
GRANT ALL PRIVILEGES ON \`${DB_NAME}\`.* TO '${DB_USER}'@'127.0.0.1', '${DB_USER}'@'localhost';
GRANT ALL PRIVILEGES ON \`${DB_NAME}\_%\`.* TO '${DB_USER}'@'127.0.0.1', '${DB_USER}'@'localhost';
FLUSH PRIVILEGES;
SQL
log "ready: database ${DB_NAME} for ${DB_USER} on 127.0.0.1:${PORT}"
echo "TEST_DATABASE_URL=$URL"
