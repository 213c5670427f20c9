#!/usr/bin/env bash
# API latency benchmark: builds Haven in release mode, imports the bundled data set (`data/`)
# into a private cluster, and runs wrk at 16 connections against the whole city list,
# filtered queries and the other read endpoints, both through the answer cache (repeated
# requests) and on the database path (every request unique, bench/api/unique.lua).
#
# Every row has a same-run peer: the `/__bench/static` route of a second Haven on the same
# machine returning a constant body of the row's response size (HAVEN_BENCH_STATIC_BYTES),
# measured right after the row. The ratio (req/s of the row / req/s of its ceiling) is what to
# compare between runs on this noisy shared machine. Prints a Markdown table.
#
#   bench/api/run.sh                      # bundled data, 10 s per row
#   DURATION=30s bench/api/run.sh
#   DATASET=generated bench/api/run.sh    # the test fixture + bench/api/generate.sql instead
#   REIMPORT=1 bench/api/run.sh           # import again into an existing bench cluster
#   SUITE=pages bench/api/run.sh           # the server-rendered pages instead (bench/pages/run.sh)
#   WARMUP=0 bench/api/run.sh              # no warm-up run before each measurement (default 1s)
#   HAVEN=<binary> bench/api/run.sh        # a binary built before (say of another commit)
#   ONLY='full text' bench/api/run.sh       # only the rows whose name matches this regex
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-10s}
# Before each measurement, an unrecorded run of this length at the same 16 connections: every
# pooled database connection is open and has prepared its statements, as on a running server
# (the first use of a new PostgreSQL backend loads its catalogue caches, tens of milliseconds).
WARMUP=${WARMUP:-1s}
PORT=${PORT:-18094}
CEILING_PORT=$((PORT + 1))
DATASET=${DATASET:-bundled}
SUITE=${SUITE:-api}
DATA_DIR=${BENCH_DATA:-$ROOT/target/bench-api-$DATASET}
BASE=http://127.0.0.1:$PORT
HAVEN=${HAVEN:-}
PIDS=()

cleanup() {
    # Ceiling instances first, the instance that started the cluster last.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[$i]}" 2>/dev/null || true
        wait "${PIDS[$i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "error: wrk is required" >&2; exit 1; }
if [ -z "$HAVEN" ]; then
  cargo build --release --locked --bin haven >&2
  HAVEN=$ROOT/target/release/haven
fi
for port in $PORT $CEILING_PORT; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then
        echo "port $port is taken by another server; set PORT=..." >&2
        exit 1
    fi
done
mkdir -p "$DATA_DIR"
chmod 755 "$DATA_DIR" # the private cluster runs as `postgres` when this runs as root

wait_for() {
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.2
    done
    echo "error: $1 did not come up" >&2
    exit 1
}

# start_haven PORT [STATIC_BYTES]: a Haven on the bench cluster (the first one starts it).
start_haven() {
    HAVEN_BENCH_STATIC_BYTES=${2:-1} RUST_LOG=warn env -u DATABASE_URL -u DATABASE_REPLICA_URL \
        "$HAVEN" serve --data-dir "$DATA_DIR" --no-import --listen "127.0.0.1:$1" \
        --static-dir "$DATA_DIR/no-client" >"$DATA_DIR/haven-$1.log" 2>&1 &
    PIDS+=($!)
    wait_for "http://127.0.0.1:$1/readyz"
}

if [ "$DATASET" = bundled ] && { [ ! -e "$DATA_DIR/imported" ] || [ -n "${REIMPORT:-}" ]; }; then
    echo "importing data/ (bundled data set)" >&2
    env -u DATABASE_URL "$HAVEN" import --data-dir "$DATA_DIR" data >"$DATA_DIR/import.log" 2>&1 \
        || { tail -20 "$DATA_DIR/import.log" >&2; exit 1; }
    touch "$DATA_DIR/imported"
fi
start_haven "$PORT"
SOCKET=$(sed -n 5p "$DATA_DIR/pg/postmaster.pid")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=$SOCKET port=5432 user=postgres dbname=haven")
if [ "$DATASET" = generated ] && [ ! -e "$DATA_DIR/imported" ]; then
    "${PSQL[@]}" -f server/tests/it/fixtures/sample.sql
    "${PSQL[@]}" -f bench/api/generate.sql
    touch "$DATA_DIR/imported"
fi
# As autovacuum leaves the tables on a running server: statistics, and the visibility map
# that lets a read answer from an index alone (the index of every page).
"${PSQL[@]}" -c "VACUUM ANALYZE"
echo "data set: $DATASET; $("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM city_stats WHERE listed) || ' listed cities, '
    || (SELECT count(*) FROM practices) || ' practices, ' || (SELECT count(*) FROM memberships) || ' memberships, '
    || (SELECT count(*) FROM places) || ' places'")" >&2

if [ "$DATASET" = bundled ]; then
    FILTERED="/api/v1/cities?country=DE&policy_area=housing,work"
    FILTERED_NET="/api/v1/cities?country=DE&network=buendnis-staedte-sicherer-haefen&policy_area=housing,work,reception"
    FULLTEXT="/api/v1/cities?q=hafen"
    PRACTICES="/api/v1/practices?policy_area=housing"
    CITY=$("${PSQL[@]}" -At -c "SELECT c.slug FROM cities c JOIN city_stats s ON s.city_id = c.id
        WHERE s.listed ORDER BY s.practice_count DESC, c.population DESC NULLS LAST LIMIT 1")
    PRACTICE=$("${PSQL[@]}" -At -c "SELECT p.slug FROM practices p WHERE p.published
        ORDER BY (SELECT count(*) FROM practice_sources s WHERE s.practice_id = p.id) DESC, p.slug LIMIT 1")
else
    FILTERED="/api/v1/cities?country=DE&policy_area=housing,work"
    FILTERED_NET="/api/v1/cities?country=DE&policy_area=housing,work&network=iash"
    FULLTEXT="/api/v1/cities?q=benchstadt%2012"
    PRACTICES="/api/v1/practices?policy_area=housing&country=IT"
    CITY=koeln
    PRACTICE=koeln-welcome-housing
fi

# The published cities' slugs, for the pages asked in turn (bench/api/every_city.lua).
export CITY_SLUGS=$DATA_DIR/city-slugs
"${PSQL[@]}" -At -c "SELECT slug FROM cities WHERE published ORDER BY slug" >"$CITY_SLUGS"

# wrk_stats URL [wrk args...] -> "p50 p99 req/s"
wrk_stats() {
    local url=$1
    shift
    if [ "$WARMUP" != 0 ]; then
        wrk -t2 -c16 -d"$WARMUP" "$@" "$url" >/dev/null
    fi
    wrk -t2 -c16 -d"$DURATION" --latency "$@" "$url" | awk '
        $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } $1 == "Requests/sec:" { rps = $2 }
        $1 == "Non-2xx" { bad = $4 }
        END { if (bad) print "error: " bad " non-2xx answers" > "/dev/stderr"; print p50, p99, rps }'
}

# stop_last: stops the Haven started last (a ceiling instance).
stop_last() {
    local pid=${PIDS[-1]}
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    unset 'PIDS[-1]'
}

# row NAME PATH [wrk args...]
row() {
    local name=$1 path=$2
    shift 2
    if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then
        return 0
    fi
    local bytes
    bytes=$(curl -fs "$BASE$path" | wc -c) # warm up, and fail early on an error
    read -r p50 p99 rps < <(wrk_stats "$BASE$path" "$@")
    # The peer: a Haven answering a constant body of the same size at /__bench/static.
    start_haven "$CEILING_PORT" "$bytes"
    read -r cp50 cp99 crps < <(wrk_stats "http://127.0.0.1:$CEILING_PORT/__bench/static")
    stop_last
    local ratio
    ratio=$(awk -v a="$rps" -v b="$crps" 'BEGIN { printf "%.0f %%", 100 * a / b }')
    printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$name" "$path" "$bytes" "$p50" "$p99" "$rps" "$cp50" "$cp99" "$crps" "$ratio"
}

UNIQUE=(-s bench/api/unique.lua)
if [ "$SUITE" = pages ]; then
    echo "| page | path | bytes | p50 | p99 | req/s | ceiling p50 | ceiling p99 | ceiling req/s | req/s of ceiling |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| **repeated requests (answer cache after the second)** | | | | | | | | | |"
    row "city page" "/de/cities/$CITY"
    row "practice page" "/en/practices/$PRACTICE"
    row "index of every page" "/fr/"
    echo "| **every request unique (database path, no answer cache)** | | | | | | | | | |"
    row "city page" "/de/cities/$CITY" "${UNIQUE[@]}"
    row "practice page" "/en/practices/$PRACTICE" "${UNIQUE[@]}"
    row "network page" "/es/networks/buendnis-staedte-sicherer-haefen" "${UNIQUE[@]}"
    row "policy area page" "/en/policy-areas/housing" "${UNIQUE[@]}"
    row "index of every page" "/fr/" "${UNIQUE[@]}"
    row "citation (BibTeX)" "/api/v1/practices/$PRACTICE/cite?format=bibtex" "${UNIQUE[@]}"
    row "practices feed" "/feeds/practices.atom?lang=de" "${UNIQUE[@]}"
    row "Safe Harbour feed" "/feeds/safe-harbours.atom?lang=de" "${UNIQUE[@]}"
    exit 0
fi
echo "| query | path | bytes | p50 | p99 | req/s | ceiling p50 | ceiling p99 | ceiling req/s | req/s of ceiling |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| **repeated requests (answer cache after the second)** | | | | | | | | | |"
row "all cities (1000 per page)" "/api/v1/cities?limit=1000"
row "cities filtered" "$FILTERED"
echo "| **every request unique (database path, no answer cache)** | | | | | | | | | |"
row "all cities (1000 per page)" "/api/v1/cities?limit=1000" "${UNIQUE[@]}"
row "cities filtered" "$FILTERED" "${UNIQUE[@]}"
row "cities filtered with network" "$FILTERED_NET" "${UNIQUE[@]}"
row "cities, default page (100)" "/api/v1/cities" "${UNIQUE[@]}"
row "cities full text" "$FULLTEXT" "${UNIQUE[@]}"
row "cities full text, a new text each request" "$FULLTEXT" -s bench/api/unique_text.lua
row "cities near" "/api/v1/cities?near=10,50&radius_km=300&limit=1000" "${UNIQUE[@]}"
row "practices filtered" "$PRACTICES" "${UNIQUE[@]}"
row "places search" "/api/v1/places?q=ko" "${UNIQUE[@]}"
row "places search, a new text each request" "/api/v1/places?q=ko" -s bench/api/unique_prefix.lua
row "city page" "/api/v1/cities/$CITY" "${UNIQUE[@]}"
row "city page, every published city in turn" "/api/v1/cities/$CITY" -s bench/api/every_city.lua
row "OGC cities items" "/ogc/collections/cities/items?limit=1000" "${UNIQUE[@]}"
