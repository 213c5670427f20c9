#!/usr/bin/env bash
# Load run of issue 14 against a release build with the bundled data: first the capacity of a
# mixed workload (bench/security/mixed.lua: cached reads, tiles, database reads, a probe and
# a write; wrk -t2 -c16 for CAPACITY_DURATION), then the same mix paced at 80 % of that
# capacity for DURATION (wrk -t2 -c32, each connection pausing between requests), after a
# paced warm-up of WARMUP in which the caches reach their bounds (the answer cache keeps the
# last 1024 answers, the tile cache 256 MiB). Reports the answers (0 errors expected: every
# status 2xx), latency, and Haven's RSS at the start and end of the measured run (growth
# below 10 % expected). Prints Markdown.
#
#   bench/security/load.sh
#   DURATION=120s bench/security/load.sh
#   BUILD=0 bench/security/load.sh        # use target/release/haven as it is
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-60s}
CAPACITY_DURATION=${CAPACITY_DURATION:-15s}
WARMUP=${WARMUP:-30s}
SHARE=${SHARE:-80}
PORT=${PORT:-18098}
CONNECTIONS=32
. bench/security/common.sh
DATA_DIR=${BENCH_DATA:-$ROOT/target/bench-load}
# The bundled data is imported on the first start (into an empty database).
start_haven "$PORT" "$DATA_DIR" --import-dir "$ROOT/data"

field() { echo "$1" | sed -n "s/^$2 //p"; }

capacity_out=$(LOAD_DELAY_MS=0 wrk -t2 -c16 -d"$CAPACITY_DURATION" -s bench/security/mixed.lua "http://127.0.0.1:$PORT")
capacity=$(echo "$capacity_out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
target=$((capacity * SHARE / 100))
# Each connection waits its share of a second, less the time its answers take (about a tenth).
delay=$((CONNECTIONS * 900 / (target > 0 ? target : 1)))
echo "capacity: $capacity req/s ($(field "$capacity_out" STATUSES); $(field "$capacity_out" LATENCY)); pacing $CONNECTIONS connections at ${delay} ms for ~$target req/s" >&2

LOAD_DELAY_MS=$delay wrk -t2 -c$CONNECTIONS -d"$WARMUP" -s bench/security/mixed.lua "http://127.0.0.1:$PORT" >/dev/null
start=$(rss_mb VmRSS)
echo 5 > "/proc/$PID/clear_refs"
out=$(LOAD_DELAY_MS=$delay wrk -t2 -c$CONNECTIONS -d"$DURATION" -s bench/security/mixed.lua "http://127.0.0.1:$PORT")
end=$(rss_mb VmRSS)
peak=$(rss_mb VmHWM)
rate=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
requests=$(echo "$out" | awk '/requests in/ { print $1 }')
non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
growth=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%+.1f", (b - a) / a * 100 }')
echo "| capacity (req/s) | paced run | requests | req/s (share of capacity) | answers | socket errors | non-2xx | latency | RSS start | RSS end (peak) | growth |"
echo "|---:|---|---:|---:|---|---|---:|---|---:|---:|---:|"
echo "| $capacity | $DURATION, $CONNECTIONS conns × ${delay} ms | $requests | $rate ($((rate * 100 / (capacity > 0 ? capacity : 1))) %) | $(field "$out" STATUSES) | $(field "$out" ERRORS) | ${non2xx:-0} | $(field "$out" LATENCY) | $start MB | $end MB ($peak MB) | $growth % |"
