#!/usr/bin/env bash
# The password-hashing flood of issue 14, against a release build: 16 clients posting for 10 s
# (wrk -t2 -c16 -d10s), three ways:
#   reset         unknown tokens to /api/v1/auth/password-reset/confirm from one address (the
#                 issue's flood: 2.85 GB RSS before the fix)
#   reset-spread  the same, each request from another X-Forwarded-For address (the per-client
#                 throttle cannot help; the token is checked before any hashing)
#   login-spread  sign-ins of unknown addresses, each from another address: every request runs
#                 argon2 (19 MiB) on the dummy hash, at most one per core at a time
# For each: Haven's RSS before, its peak during (VmHWM, reset between runs) and 10 s after.
# Prints a Markdown table.
#
#   bench/security/flood.sh
#   DURATION=30s bench/security/flood.sh
#   BUILD=0 bench/security/flood.sh       # use target/release/haven as it is
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-10s}
PORT=${PORT:-18097}
DATA_DIR=${BENCH_DATA:-$ROOT/target/bench-security}
HAVEN=$ROOT/target/release/haven
PID=

cleanup() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "error: wrk is required (apt-get install wrk)" >&2; exit 1; }
if [ "${BUILD:-1}" != 0 ]; then cargo build --release --locked --bin haven >&2; fi
if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
    echo "port $PORT is taken by another server; set PORT=..." >&2
    exit 1
fi
mkdir -p "$DATA_DIR"
chmod 755 "$DATA_DIR" # the private cluster runs as `postgres` when this runs as root

RUST_LOG=error env -u DATABASE_URL -u DATABASE_REPLICA_URL \
    "$HAVEN" serve --data-dir "$DATA_DIR" --no-import --trust-forwarded-for \
    --listen "127.0.0.1:$PORT" --static-dir "$ROOT/map-client/dist" >&2 &
PID=$!
for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" && break
    sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" || { echo "error: haven did not start" >&2; exit 1; }

rss_mb() { awk -v key="$1:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$PID/status"; }

echo "| flood | requests | req/s | answers | RSS before | RSS peak | RSS 10 s after |"
echo "|---|---:|---:|---|---:|---:|---:|"
for run in reset reset-spread login-spread; do
    case $run in
        reset) kind=reset spread=0 ;;
        reset-spread) kind=reset spread=1 ;;
        login-spread) kind=login spread=1 ;;
    esac
    # Each run starts with fresh throttle windows.
    psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    socket=$DATA_DIR/run
    if [ "$(id -u)" = 0 ]; then as_pg="runuser -u postgres --"; else as_pg=""; fi
    $as_pg "$psql_bin/psql" -qAt -h "$socket" -U postgres -d haven -c "DELETE FROM rate_limits" >/dev/null
    sleep 2
    before=$(rss_mb VmRSS)
    echo 5 > "/proc/$PID/clear_refs" # resets VmHWM, the peak
    out=$(FLOOD_KIND=$kind FLOOD_SPREAD=$spread wrk -t2 -c16 -d"$DURATION" -s bench/security/flood.lua "http://127.0.0.1:$PORT")
    peak=$(rss_mb VmHWM)
    sleep 10
    after=$(rss_mb VmRSS)
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    rate=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    statuses=$(echo "$out" | sed -n 's/^STATUSES //p')
    echo "| $run | $requests | $rate | $statuses | ${before} MB | ${peak} MB | ${after} MB |"
done
