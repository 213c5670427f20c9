#!/usr/bin/env bash
# The cities layer (or LAYER=practices) without a tile cache, two Haven builds side by side on
# one database: every request renders its tile (as right after a write dropped it). Runs alternate between the
# two builds, three rounds each, so that a noisy machine weighs on both alike. Prints a
# Markdown table for BENCHMARKS.md.
#
#   PEER=/path/to/other/haven bench/tiles/cities.sh     (from the repository root)
#   DURATION=5s ROUNDS=3 PEER=... bench/tiles/cities.sh
#   LAYER=practices PEER=... bench/tiles/cities.sh      (the practices layer, same paths)
#
# Data: the database of bench/writes (BENCH_DATA, default target/bench-writes: the bundled
# data plus bench/tiles/generate.sql; run bench/writes/run.sh once first). Paths: every tile
# of zooms 0-6 of the layer that holds something, unfiltered and with
# `policy_area=housing`, and up to 2,000 non-empty zoom-10 tiles. wrk with
# bench/tiles/paths.lua, 16 connections.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
LAYER=${LAYER:-cities}
: "${PEER:?PEER=path of the other haven binary}"
. bench/security/common.sh
DATA=${BENCH_DATA:-$ROOT/target/bench-writes}
[ -e "$DATA/generated" ] || { echo "run bench/writes/run.sh first (its database)" >&2; exit 1; }
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; cleanup' EXIT
start_haven 18145 "$DATA" --tile-cache-bytes 0
PIDS+=("$PID")
HAVEN=$PEER start_haven 18146 "$DATA" --tile-cache-bytes 0
PIDS+=("$PID")
SOCKET=$(sed -n 5p "$DATA/pg/postmaster.pid")
PSQL=(psql -X -q "host=$SOCKET port=5432 user=postgres dbname=haven")
{
    "${PSQL[@]}" -At -c "SELECT z || '/' || x || '/' || y FROM generate_series(0, 6) z,
        generate_series(0, (1 << z) - 1) x, generate_series(0, (1 << z) - 1) y"
    "${PSQL[@]}" -At -c "WITH t AS (
          SELECT DISTINCT floor((ST_X(geom) + 180) / 360 * 1024)::int AS x,
                 floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 1024)::int AS y
          FROM cities WHERE published AND abs(ST_Y(geom)) < 85)
        SELECT '10/' || x || '/' || y FROM t ORDER BY md5(x || '/' || y) LIMIT 2000"
} | sed "s|^\(.*\)$|/tiles/$LAYER/\1.mvt|" >"$DATA/$LAYER-all.txt"
xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code} {}\n' "http://127.0.0.1:18145{}" \
    <"$DATA/$LAYER-all.txt" | awk '$1 == 200 { print $2 }' | sort >"$DATA/$LAYER-tiles.txt"
grep -v '/10/' "$DATA/$LAYER-tiles.txt" >"$DATA/$LAYER-low.txt"
sed 's|$|?policy_area=housing|' "$DATA/$LAYER-low.txt" >"$DATA/$LAYER-low-housing.txt"
grep '/10/' "$DATA/$LAYER-tiles.txt" >"$DATA/$LAYER-z10.txt"
echo "paths: $(wc -l <"$DATA/$LAYER-low.txt") tiles of z0-6, $(wc -l <"$DATA/$LAYER-z10.txt") of z10" >&2

# measure PORT FILE -> "req/s p50 p99"
measure() {
    PATHS=$2 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/tiles/paths.lua "http://127.0.0.1:$1" |
        awk '/^RESULT/ { print $2, $3, $4 }'
}
echo "| tiles | Haven req/s | p50 / p99 ms | peer req/s | p50 / p99 ms | ratio |"
echo "|---|---:|---:|---:|---:|---:|"
for set in low low-housing z10; do
    file="$DATA/$LAYER-$set.txt"
    measure 18145 "$file" >/dev/null
    measure 18146 "$file" >/dev/null
    haven=() peer=()
    for _ in $(seq 1 "$ROUNDS"); do
        haven+=("$(measure 18145 "$file")")
        peer+=("$(measure 18146 "$file")")
    done
    # The median round of each by rate.
    h=$(printf '%s\n' "${haven[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
    p=$(printf '%s\n' "${peer[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
    read -r hr h50 h99 <<<"$h"
    read -r pr p50 p99 <<<"$p"
    awk -v set="$set" -v hr="$hr" -v h50="$h50" -v h99="$h99" -v pr="$pr" -v p50="$p50" -v p99="$p99" \
        'BEGIN { printf "| %s | %d | %s / %s | %d | %s / %s | %.1f× |\n", set, hr, h50, h99, pr, p50, p99, hr / pr }'
done
