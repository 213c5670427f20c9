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
DURATION=${DURATION:-10s}
PORT=${PORT:-18097}
. bench/security/common.sh
DATA_DIR=${BENCH_DATA:-$ROOT/target/bench-security}
start_haven "$PORT" "$DATA_DIR" --no-import

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
