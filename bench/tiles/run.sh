#!/usr/bin/env bash
# Tile benchmark: Haven against Martin 1.14 on the same PostGIS tables, same machine.
#
#   bench/tiles/run.sh            (from the repository root; takes about 15 minutes)
#
# Data: the bundled data set (`haven import data/`) plus a generated set of 2,000 cities and
# 100,000 practices
# (bench/tiles/generate.sql), every practice with its own point so that Martin's table source
# and Haven's `practices` layer serve the same 100,000 points. Both read the same database of
# a private cluster that `haven serve --data-dir` starts, with equal pool sizes, gzip on both
# (every request sends Accept-Encoding: gzip). Runs with wrk (bench/tiles/paths.lua):
#   (a) the full z0-z6 grid (5,461 tiles), (b) 2,000 random non-empty z10 tiles,
#   (c) one hot tile; each with caches on and off;
# plus the ceiling: the same wrk run against a Haven route that returns a constant body of
# the hot tile's size. Prints a Markdown table for BENCHMARKS.md.
#
# Settings (environment): DURATION (default 10s), CONNECTIONS (32), THREADS (2), POOL (16),
# HAVEN_BENCH_HOME (where Martin is installed, default ~/.local/haven-bench),
# BENCH_DATA (the cluster and URL lists, default target/bench-tiles-bundled), HAVEN (a binary
# built before, say of another commit, instead of this checkout's release build).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BENCH_HOME=${HAVEN_BENCH_HOME:-$HOME/.local/haven-bench}
DATA=${BENCH_DATA:-$ROOT/target/bench-tiles-bundled}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
POOL=${POOL:-16}
MARTIN="$BENCH_HOME/bin/martin"
HAVEN=${HAVEN:-}
PIDS=()

cleanup() {
  # Haven instances that reuse the cluster first, the one that started it last.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
}
trap cleanup EXIT

if [ ! -x "$MARTIN" ]; then
  echo "Installing Martin 1.14.0 into $BENCH_HOME (takes a while)" >&2
  nice -n 19 cargo install martin --version 1.14.0 --locked --no-default-features \
    --features postgres --root "$BENCH_HOME"
fi
command -v wrk >/dev/null || { echo "error: wrk is required" >&2; exit 1; }
if [ -z "$HAVEN" ]; then
  cargo build --release --locked --bin haven
  HAVEN=$ROOT/target/release/haven
fi
mkdir -p "$DATA"

wait_for() {
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "error: $1 did not come up" >&2
  exit 1
}

start_haven() { # port, cache bytes
  HAVEN_TILE_CACHE_BYTES=$2 HAVEN_BENCH_STATIC_BYTES=${STATIC_BYTES:-1} RUST_LOG=warn env -u DATABASE_URL -u DATABASE_REPLICA_URL \
    "$HAVEN" serve --data-dir "$DATA" --listen "127.0.0.1:$1" --no-import --pool-size "$POOL" \
    --static-dir "$DATA/no-client" >"$DATA/haven-$1.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$1/readyz"
}

# The first Haven starts the private cluster and migrates it.
start_haven 18080 268435456
# The cluster's socket directory is line 5 of postmaster.pid.
SOCKET=$(sed -n 5p "$DATA/pg/postmaster.pid")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=$SOCKET port=5432 user=postgres dbname=haven")

if [ "$("${PSQL[@]}" -Atc "SELECT count(*) FROM practices")" -lt 100000 ]; then
  echo "Importing the bundled data and loading 100,000 generated practices" >&2
  RUST_LOG=warn env -u DATABASE_URL "$HAVEN" import --data-dir "$DATA" data >&2
  "${PSQL[@]}" -f bench/tiles/generate.sql >/dev/null
  "${PSQL[@]}" -c "UPDATE practices p SET geom = c.geom FROM cities c WHERE c.id = p.city_id AND p.geom IS NULL; ANALYZE practices;"
fi

# Request paths, written once per layout (Haven's and Martin's URLs differ only in prefix).
"${PSQL[@]}" -At -c "SELECT z || '/' || x || '/' || y FROM generate_series(0, 6) z,
    generate_series(0, (1 << z) - 1) x, generate_series(0, (1 << z) - 1) y" >"$DATA/grid.txt"
"${PSQL[@]}" -At -c "SELECT setseed(0.5);" >/dev/null
"${PSQL[@]}" -At -c "WITH t AS (
      SELECT DISTINCT floor((ST_X(geom) + 180) / 360 * 1024)::int AS x,
             floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 1024)::int AS y
      FROM practices WHERE geom IS NOT NULL)
    SELECT '10/' || x || '/' || y FROM t ORDER BY md5(x || '/' || y) LIMIT 2000" >"$DATA/z10.txt"
"${PSQL[@]}" -At -c "SELECT '10/' || floor((ST_X(geom) + 180) / 360 * 1024)::int || '/' ||
      floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 1024)::int
    FROM practices WHERE geom IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1" >"$DATA/hot.txt"
for set in grid z10 hot; do
  sed 's|^\(.*\)$|/tiles/practices/\1.mvt|' "$DATA/$set.txt" >"$DATA/haven-$set.txt"
  sed 's|^\(.*\)$|/practices/\1|' "$DATA/$set.txt" >"$DATA/martin-$set.txt"
done
HOT=$(cat "$DATA/hot.txt")
STATIC_BYTES=$(curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:18080/tiles/practices/$HOT.mvt" | wc -c)

start_haven 18082 0
cat >"$DATA/martin.yaml" <<YAML
postgres:
  connection_string: "postgresql:///haven?host=$SOCKET&port=5432&user=postgres"
  pool_size: $POOL
  auto_publish: false
  tables:
    practices:
      schema: public
      table: practices
      srid: 4326
      geometry_column: geom
      geometry_type: POINT
      id_column: id
      properties:
        slug: text
        city_id: int8
YAML
RUST_LOG=warn "$MARTIN" --config "$DATA/martin.yaml" --listen-addresses 127.0.0.1:18081 \
  >"$DATA/martin-18081.log" 2>&1 &
PIDS+=($!)
RUST_LOG=warn "$MARTIN" --config "$DATA/martin.yaml" --listen-addresses 127.0.0.1:18083 --cache-size 0 \
  >"$DATA/martin-18083.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:18081/health"
wait_for "http://127.0.0.1:18083/health"

run() { # port, paths file
  PATHS="$2" wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -s bench/tiles/paths.lua \
    "http://127.0.0.1:$1" | awk '/^RESULT/ {print $2, $3, $4, $5, $6}'
}

echo "| run | cache | Haven req/s | p50 ms | p99 ms | bytes | Martin req/s | p50 ms | p99 ms | bytes | Haven/Martin |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for set in grid z10 hot; do
  for cache in on off; do
    if [ $cache = on ]; then hp=18080; mp=18081; else hp=18082; mp=18083; fi
    # Caches on: one untimed pass first, so the run measures warm caches.
    if [ $cache = on ]; then
      while read -r p; do curl -fs -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$hp$p" || true; done <"$DATA/haven-$set.txt"
      while read -r p; do curl -fs -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$mp$p" || true; done <"$DATA/martin-$set.txt"
    fi
    read -r hr h50 h99 hb herr <<<"$(run $hp "$DATA/haven-$set.txt")"
    read -r mr m50 m99 mb merr <<<"$(run $mp "$DATA/martin-$set.txt")"
    ratio=$(awk -v a="$hr" -v b="$mr" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "∞" }')
    echo "| $set | $cache | $hr | $h50 | $h99 | $hb | $mr | $m50 | $m99 | $mb | $ratio |"
    [ "$herr$merr" = "00" ] || echo "warning: errors in $set/$cache: Haven $herr, Martin $merr" >&2
  done
done
echo "/__bench/static" >"$DATA/static.txt"
STATIC_BYTES=$STATIC_BYTES start_haven 18084 0
read -r sr s50 s99 sb serr <<<"$(run 18084 "$DATA/static.txt")"
echo "| ceiling (static $STATIC_BYTES B body) | – | $sr | $s50 | $s99 | $sb | | | | | |"
