#!/usr/bin/env bash
# API latency benchmark: builds Haven in release mode, serves it on a private cluster holding
# the test fixture plus a generated data set (bench/api/generate.sql), and runs wrk at 16
# connections against the whole city list and filtered queries. Prints p50/p99 and req/s.
#
#   bench/api/run.sh            # 15 s per endpoint
#   DURATION=30s bench/api/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-15s}
PORT=${PORT:-18094}
DATA_DIR=$ROOT/target/bench-api
BASE=http://127.0.0.1:$PORT

cargo build --release -p haven
if curl -s -o /dev/null "$BASE/healthz"; then
    echo "port $PORT is taken by another server; set PORT=..." >&2
    exit 1
fi
rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"

target/release/haven serve --data-dir "$DATA_DIR" --no-import --listen 127.0.0.1:$PORT \
    --static-dir "$DATA_DIR" >"$DATA_DIR/haven.log" 2>&1 &
HAVEN=$!
trap 'kill $HAVEN 2>/dev/null; wait $HAVEN 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
    kill -0 $HAVEN 2>/dev/null || { cat "$DATA_DIR/haven.log"; exit 1; }
    curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fs "$BASE/readyz" >/dev/null

SOCKET_DIR=$DATA_DIR/run
PSQL=(psql -q -v ON_ERROR_STOP=1 "host=$SOCKET_DIR port=5432 user=postgres dbname=haven")
if [ "$(id -u)" = 0 ]; then PSQL=(runuser -u postgres -- "${PSQL[@]}"); fi
"${PSQL[@]}" -f server/tests/it/fixtures/sample.sql
"${PSQL[@]}" -f bench/api/generate.sql
echo "cities listed: $(curl -fs "$BASE/api/v1/cities?limit=1" | grep -o '"numberMatched" : [0-9]*')"

# run NAME URL [wrk args...]
run() {
    local name=$1 url=$2
    shift 2
    curl -fs -o /dev/null "$url"  # warm up, and fail early on an error
    local out
    out=$(wrk -t2 -c16 -d"$DURATION" --latency "$@" "$url")
    local p50 p99 rps
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    rps=$(awk '$1 == "Requests/sec:" {print $2}' <<<"$out")
    printf '| %s | `%s` | %s | %s | %s |\n' "$name" "${url#$BASE}" "$p50" "$p99" "$rps"
}

UNCACHED=(-s bench/api/unique.lua)
echo "| query | path | p50 | p99 | req/s |"
echo "|---|---|---|---|---|"
echo "| **repeated requests (served from the answer cache after the first)** | | | | |"
run "all cities (1000 per page)" "$BASE/api/v1/cities?limit=1000"
run "cities filtered" "$BASE/api/v1/cities?country=DE&policy_area=housing,work&network=iash"
echo "| **every request unique (database path, no answer cache)** | | | | |"
run "all cities (1000 per page)" "$BASE/api/v1/cities?limit=1000" "${UNCACHED[@]}"
run "cities, default page (100)" "$BASE/api/v1/cities" "${UNCACHED[@]}"
run "cities filtered" "$BASE/api/v1/cities?country=DE&policy_area=housing,work&network=iash" "${UNCACHED[@]}"
run "cities full text" "$BASE/api/v1/cities?q=benchstadt%2012" "${UNCACHED[@]}"
run "cities near" "$BASE/api/v1/cities?near=10,50&radius_km=300&limit=1000" "${UNCACHED[@]}"
run "practices filtered" "$BASE/api/v1/practices?policy_area=housing&country=IT" "${UNCACHED[@]}"
run "places search" "$BASE/api/v1/places?q=ko" "${UNCACHED[@]}"
run "city page" "$BASE/api/v1/cities/koeln" "${UNCACHED[@]}"
