#!/usr/bin/env bash
# Browser benchmark: time to first features on the map, and from a click to its answer (a
# filter to the list and the map's counts, a city's panel), Haven's client against a plain
# MapLibre + GeoJSON page on the same server, in Debian's Chromium (see first-features.mjs and
# interactions.mjs).
#
#   bench/browser/run.sh            (from the repository root; RUNS=15 by default)
#
# Builds the client and the release server, serves the bundled data from a private cluster
# under target/bench-browser on 127.0.0.1:18095, and prints one line per load and a Markdown
# table for BENCHMARKS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
DATA=${BENCH_DATA:-$ROOT/target/bench-browser}
RUNS=${RUNS:-15}
PORT=${PORT:-18095}
make --no-print-directory client server node-deps >&2
mkdir -p "$DATA"

target/release/haven serve --listen "127.0.0.1:$PORT" --data-dir "$DATA" \
  --static-dir map-client/dist --import-dir data >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" && break
  sleep 0.5
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" || { echo "error: Haven did not come up (see $DATA/serve.log)" >&2; exit 1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
node bench/browser/first-features.mjs "http://127.0.0.1:$PORT" "$RUNS"
node bench/browser/interactions.mjs "http://127.0.0.1:$PORT" "$RUNS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
