#!/bin/sh
# Waits START_DELAY_SECONDS, then serves /kiada/www on PORT with busybox's httpd. As PID 1 it
# ends at once on SIGTERM (a shell without a trap would ignore it and wait for SIGKILL).
trap 'kill "$child" 2>/dev/null; exit 0' TERM INT
echo "kiada: starting in ${START_DELAY_SECONDS:-0}s on port ${PORT:-8080}"
sleep "${START_DELAY_SECONDS:-0}" &
child=$!
wait "$child"
httpd -f -p "${PORT:-8080}" -h /kiada/www &
child=$!
echo "kiada: serving on port ${PORT:-8080} (pid $child)"
wait "$child"
