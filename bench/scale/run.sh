#!/usr/bin/env bash
# Ten times the data (issue 17, goal 4): the bundled data set plus 20,000 generated cities and
# 1,000,000 generated practices (bench/tiles/generate.sql with haven.bench_scale=10), loaded
# into a private cluster under target/bench-scale as one bulk load. Measures:
#   1. the load: wall time of the generated data's bulk load (the derived tables are rebuilt
#      at its commit), after the bundled import;
#   2. the tiles against Martin on that data (bench/tiles/run.sh on the same cluster), and the
#      largest tile of the z0-z6 grid;
#   3. the API's rows (bench/api/run.sh on the same cluster);
#   4. Haven's peak RSS (VmHWM) over all of it, read from /proc before it stops.
#
#   bench/scale/run.sh            (from the repository root; SCALE=10 by default)
#   SKIP=tiles,api bench/scale/run.sh   # only the load
#
# Settings: SCALE (10), DURATION (5s, passed on), BENCH_DATA (target/bench-scale), HAVEN (a
# binary built before, say of another commit, to measure instead of this checkout's release build).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SCALE=${SCALE:-10}
DATA=${BENCH_DATA:-$ROOT/target/bench-scale}
SKIP=${SKIP:-}
export DURATION=${DURATION:-5s}
PORT=${PORT:-18096}

if [ -z "${HAVEN:-}" ]; then
  cargo build --release --locked --bin haven
  HAVEN=$ROOT/target/release/haven
fi
# The tile and API benchmarks measure the same binary.
export HAVEN
mkdir -p "$DATA"

wait_for() {
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "error: $1 did not come up" >&2
  exit 1
}

if [ ! -e "$DATA/imported" ]; then
  # A Haven that starts the cluster and migrates it; the load runs beside it, as on a live site.
  RUST_LOG=warn env -u DATABASE_URL -u DATABASE_REPLICA_URL "$HAVEN" serve --data-dir "$DATA" \
    --listen "127.0.0.1:$PORT" --no-import --static-dir "$DATA/no-client" >"$DATA/haven-load.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
  wait_for "http://127.0.0.1:$PORT/readyz"
  SOCKET=$(sed -n 5p "$DATA/pg/postmaster.pid")
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=$SOCKET port=5432 user=postgres dbname=haven")
  start=$(date +%s.%N)
  RUST_LOG=warn env -u DATABASE_URL "$HAVEN" import --database-url "postgresql://postgres@/haven?host=$SOCKET&port=5432" data >/dev/null
  imported=$(date +%s.%N)
  PGOPTIONS="-c haven.bench_scale=$SCALE" "${PSQL[@]}" -f bench/tiles/generate.sql >/dev/null
  loaded=$(date +%s.%N)
  # Martin serves the practices table's own points: give every practice one (a second bulk
  # load, not timed), as bench/tiles/run.sh does for its data.
  "${PSQL[@]}" -c "BEGIN; SELECT haven_begin_bulk_load();
    UPDATE practices p SET geom = c.geom FROM cities c WHERE c.id = p.city_id AND p.geom IS NULL; COMMIT;" >/dev/null
  counts=$("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM cities) || ' cities, ' || (SELECT count(*) FROM practices)
    || ' practices, ' || (SELECT count(*) FROM tile_points) || ' tile points, ' || (SELECT count(*) FROM site_entries)
    || ' index entries' || CASE WHEN to_regclass('site_practices') IS NULL THEN '' ELSE ', '
    || (xpath('/table/row/n/text()', query_to_xml('SELECT count(*) AS n FROM site_practices', false, false, '')))[1]::text
    || ' practice index entries' END")
  awk -v a="$start" -v b="$imported" -v c="$loaded" -v n="$counts" -v s="$SCALE" 'BEGIN {
    printf "| load | bundled import | generated ×%s (bulk load, derived tables rebuilt at commit) | rows after |\n|---|---:|---:|---|\n", s
    printf "| scale %s | %.1f s | %.1f s | %s |\n", s, b - a, c - b, n }' | tee "$DATA/load.md"
  touch "$DATA/imported"
  kill $pid; wait $pid 2>/dev/null || true
  trap - EXIT
else
  cat "$DATA/load.md"
fi

# Haven's peak resident memory, read while it still runs (the benchmarks stop their servers).
watch_rss() {
  local peak=0
  while sleep 1; do
    for pid in $(pgrep -f "$HAVEN serve --data-dir $DATA" || true); do
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm && echo "$peak" >"$DATA/rss-peak-kb"
    done
  done
}
rm -f "$DATA/rss-peak-kb"
watch_rss &
watcher=$!
trap 'kill $watcher 2>/dev/null || true' EXIT

if [[ ",$SKIP," != *,tiles,* ]]; then
  BENCH_DATA=$DATA bench/tiles/run.sh
  # The largest tile of the z0-z6 grid, both layers, from a fresh Haven without cache.
  RUST_LOG=warn env -u DATABASE_URL "$HAVEN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" \
    --no-import --static-dir "$DATA/no-client" >"$DATA/haven-sizes.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$PORT/readyz"
  for layer in practices cities; do
    largest=$(sed "s|^|http://127.0.0.1:$PORT/tiles/$layer/|; s|$|.mvt|" "$DATA/grid.txt" \
      | xargs -n 64 curl -s -o /dev/null -w '%{size_download}\n' | sort -n | tail -1)
    echo "largest $layer tile of z0-z6: $largest bytes"
  done
  kill $pid; wait $pid 2>/dev/null || true
fi
if [[ ",$SKIP," != *,api,* ]]; then
  BENCH_DATA=$DATA DATASET=bundled bench/api/run.sh
fi
sleep 2
echo "Haven's peak RSS: $(( $(cat "$DATA/rss-peak-kb" 2>/dev/null || echo 0) / 1024 )) MB"
