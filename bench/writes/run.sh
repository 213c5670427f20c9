#!/usr/bin/env bash
# Writes keep caches warm: the read mix of bench/api and bench/tiles (repeated requests, so
# the caches can answer them) against one Haven, first without writes, then while one write
# per second lands; reports the cache hit rate (from GET /metrics) and the latency of both
# runs side by side, with the CPU time Haven and PostgreSQL spent in each. Prints a Markdown
# table for BENCHMARKS.md.
#
#   bench/writes/run.sh                  (from the repository root)
#   DURATION=30s bench/writes/run.sh
#   GENERATED=0 bench/writes/run.sh      # the bundled data only (default: plus the 2,000
#                                        # cities and 100,000 practices of bench/tiles)
#   KINDS="3" bench/writes/run.sh        # only these kinds of write (indexes into WRITES:
#                                        # 0 title, 1 population, 2 membership, 3 demand, 4 areas)
#
# Data: the bundled data set (`haven import data/`) plus bench/tiles/generate.sql, in a
# private cluster under BENCH_DATA (default target/bench-writes), one Haven started as
# bench/security/common.sh starts it (BUILD=0 skips the release build). The read mix (wrk with
# bench/tiles/paths.lua, 16 connections) cycles through the non-empty tiles of the cities
# and practices layers at z0-z6 (the grid of bench/tiles), up to 2,000 non-empty z10 tiles of
# each point layer, the basemap at z0-z4, and the repeated rows of bench/api (whole city
# list, filtered lists, a city, practices, places search, OGC items, networks, policy
# areas). The unique requests of bench/api are left out: they never hit a cache by design.
#
# The writes go straight to the database (psql), as a moderator's approval or an import on
# another instance would, and reach Haven through the notification channel. They rotate
# through the kinds of write: a practice's title, a city's population, a membership's
# verification date, a demand status's date, a practice's policy areas; each at a random
# published row.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18140}
GENERATED=${GENERATED:-1}
BASE=http://127.0.0.1:$PORT
. bench/security/common.sh
WRITER=
# The writer is a pipeline in a subshell: stop its members, then itself.
stop_writer() {
    if [ -n "$WRITER" ]; then
        pkill -P "$WRITER" 2>/dev/null || true
        kill "$WRITER" 2>/dev/null || true
        wait "$WRITER" 2>/dev/null || true
        WRITER=
    fi
}
trap 'stop_writer; cleanup' EXIT
DATA=${BENCH_DATA:-$ROOT/target/bench-writes}
# The first start imports the bundled data.
start_haven "$PORT" "$DATA"
SOCKET=$(sed -n 5p "$DATA/pg/postmaster.pid")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=$SOCKET port=5432 user=postgres dbname=haven")
if [ "$GENERATED" = 1 ] && [ ! -e "$DATA/generated" ]; then
    echo "loading bench/tiles/generate.sql (2,000 cities, 100,000 practices)" >&2
    "${PSQL[@]}" -f bench/tiles/generate.sql >/dev/null
    "${PSQL[@]}" -c "UPDATE practices p SET geom = c.geom FROM cities c
                     WHERE c.id = p.city_id AND p.geom IS NULL" >/dev/null
    touch "$DATA/generated"
fi
"${PSQL[@]}" -c "VACUUM ANALYZE" >/dev/null
echo "data set: $("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM cities) || ' cities, '
    || (SELECT count(*) FROM practices) || ' practices, ' || (SELECT count(*) FROM memberships) || ' memberships'")" >&2

# The read mix.
{
    "${PSQL[@]}" -At -c "SELECT l || '/' || z || '/' || x || '/' || y FROM unnest(ARRAY['cities', 'practices']) l,
        generate_series(0, 6) z, generate_series(0, (1 << z) - 1) x, generate_series(0, (1 << z) - 1) y"
    "${PSQL[@]}" -At -c "SELECT 'basemap/' || z || '/' || x || '/' || y FROM generate_series(0, 4) z,
        generate_series(0, (1 << z) - 1) x, generate_series(0, (1 << z) - 1) y"
    for layer in cities practices; do
        "${PSQL[@]}" -At -c "WITH t AS (
              SELECT DISTINCT floor((ST_X(geom) + 180) / 360 * 1024)::int AS x,
                     floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 1024)::int AS y
              FROM $layer WHERE geom IS NOT NULL AND published AND abs(ST_Y(geom)) < 85)
            SELECT '$layer/10/' || x || '/' || y FROM t ORDER BY md5(x || '/' || y) LIMIT 2000"
    done
} | sed 's|^\(.*\)$|/tiles/\1.mvt|' >"$DATA/tiles-all.txt"
# Only the tiles that hold something (an empty tile is answered from memory anyway).
xargs -P 4 -I{} curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{http_code} {}\n' "$BASE{}" \
    <"$DATA/tiles-all.txt" | awk '$1 == 200 { print $2 }' | sort >"$DATA/tiles.txt"
CITY=$("${PSQL[@]}" -At -c "SELECT c.slug FROM cities c JOIN city_stats s ON s.city_id = c.id
    WHERE s.listed ORDER BY s.practice_count DESC, c.population DESC NULLS LAST LIMIT 1")
cat >"$DATA/answers.txt" <<PATHS
/api/v1/cities?limit=1000
/api/v1/cities?country=DE&policy_area=housing,work
/api/v1/cities?country=DE&network=buendnis-staedte-sicherer-haefen&policy_area=housing,work,reception
/api/v1/cities?q=hafen
/api/v1/practices?policy_area=housing
/api/v1/places?q=ko
/api/v1/cities/$CITY
/ogc/collections/cities/items?limit=1000
/api/v1/networks
/api/v1/policy-areas
PATHS
# One answer among every ten requests, the rest tiles.
awk -v answers="$DATA/answers.txt" 'BEGIN { while ((getline a < answers) > 0) list[n++] = a }
    { print; if (NR % 9 == 0) print list[(NR / 9) % n] }' "$DATA/tiles.txt" >"$DATA/mix.txt"
echo "read mix: $(wc -l <"$DATA/mix.txt") paths ($(wc -l <"$DATA/tiles.txt") non-empty tiles, $(wc -l <"$DATA/answers.txt") answers)" >&2

# counters -> "tile_hits tile_misses answer_hits answer_misses shared version". A tile or an
# answer that waited for the same one made for another request ("shared") did not come from
# the cache: the hit rates count it as a miss (answers count it so already).
counters() {
    curl -fs "$BASE/metrics" | awk '
        $1 == "haven_tile_cache_hits_total" { th = $2 } $1 == "haven_tile_cache_misses_total" { tm = $2 }
        $1 == "haven_answer_cache_hits_total" { ah = $2 } $1 == "haven_answer_cache_misses_total" { am = $2 }
        $1 == "haven_tile_shared_total" { ts = $2 } $1 == "haven_answer_shared_total" { as = $2 }
        $1 == "haven_data_version" { v = $2 }
        END { print th, tm + ts, ah, am, ts + as, v }'
}

# The writes: one a second, rotating through the kinds.
WRITES=(
    "UPDATE practices SET title = jsonb_set(title, '{en}', to_jsonb('Bench ' || (random() * 1e6)::int))
       WHERE id = (SELECT id FROM practices WHERE published AND id >= (SELECT (min(id) + random() * (max(id) - min(id)))::bigint FROM practices) ORDER BY id LIMIT 1)"
    "UPDATE cities SET population = coalesce(population, 0) + 1
       WHERE id = (SELECT id FROM cities WHERE published AND id >= (SELECT (min(id) + random() * (max(id) - min(id)))::bigint FROM cities) ORDER BY id LIMIT 1)"
    "UPDATE memberships SET verified_on = (current_date - (random() * 100)::int)::text
       WHERE id = (SELECT id FROM memberships WHERE id >= (SELECT (min(id) + random() * (max(id) - min(id)))::bigint FROM memberships) ORDER BY id LIMIT 1)"
    "UPDATE safe_harbour_demands SET as_of = (2020 + (random() * 6)::int)::text
       WHERE (city_id, demand_key) = (SELECT city_id, demand_key FROM safe_harbour_demands ORDER BY random() LIMIT 1)"
    "WITH p AS (SELECT id FROM practices WHERE published AND id >= (SELECT (min(id) + random() * (max(id) - min(id)))::bigint FROM practices) ORDER BY id LIMIT 1)
     INSERT INTO practice_policy_areas SELECT p.id, 'work' FROM p ON CONFLICT DO NOTHING"
)
read -r -a KIND_LIST <<<"${KINDS:-${!WRITES[*]}}"
# One psql session takes them all, as an instance's pooled connection would: a psql process
# and a PostgreSQL backend started for each write cost the two cores more than the write.
write_loop() {
    local i=0
    while :; do
        printf '%s;\n' "${WRITES[${KIND_LIST[$((i % ${#KIND_LIST[@]}))]}]}"
        i=$((i + 1))
        sleep 1
    done | "${PSQL[@]}" >/dev/null
}

# CPU seconds used so far by Haven, and by the cluster's PostgreSQL (the postmaster, the
# backends it has reaped and those still running).
POSTMASTER=$(head -1 "$DATA/pg/postmaster.pid")
TICKS=$(getconf CLK_TCK)
cpu_seconds() {
    local haven pg
    haven=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
    pg=$({ awk '{ print $14 + $15 + $16 + $17 }' "/proc/$POSTMASTER/stat"
           for child in $(pgrep -P "$POSTMASTER"); do
               awk '{ print $14 + $15 }' "/proc/$child/stat" 2>/dev/null || true
           done; } | awk '{ s += $1 } END { print s }')
    awk -v h="$haven" -v p="$pg" -v t="$TICKS" 'BEGIN { printf "%.2f %.2f", h / t, p / t }'
}

# run NAME: one wrk run of the mix; prints a table row.
run() {
    local name=$1 before after cpu0 cpu1
    cpu0=$(cpu_seconds)
    before=$(counters)
    read -r rps p50 p99 bytes errors requests < <(PATHS="$DATA/mix.txt" wrk -t2 -c"$CONNECTIONS" \
        -d"$DURATION" -s bench/tiles/paths.lua "$BASE" | awk '/^RESULT/ { print $2, $3, $4, $5, $6, $7 }')
    after=$(counters)
    cpu1=$(cpu_seconds)
    read -r hc0 pc0 <<<"$cpu0"
    read -r hc1 pc1 <<<"$cpu1"
    read -r th0 tm0 ah0 am0 s0 v0 <<<"$before"
    read -r th1 tm1 ah1 am1 s1 v1 <<<"$after"
    awk -v name="$name" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v req="$requests" -v err="$errors" \
        -v th=$((th1 - th0)) -v tm=$((tm1 - tm0)) -v ah=$((ah1 - ah0)) -v am=$((am1 - am0)) \
        -v shared=$((s1 - s0)) -v w=$((v1 - v0)) -v hc="$(awk -v a="$hc0" -v b="$hc1" 'BEGIN { print b - a }')" \
        -v pc="$(awk -v a="$pc0" -v b="$pc1" 'BEGIN { print b - a }')" '
        function pct(h, m) { return h + m > 0 ? sprintf("%.1f %%", 100 * h / (h + m)) : "–" }
        BEGIN { printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %d | %s | %.1f | %.2f |\n",
            name, w, req, rps, p50, p99, pct(th, tm), pct(ah, am), pct(th + ah, tm + am), shared, err, hc, pc }'
}

echo "warm-up: $WARMUP of the mix" >&2
PATHS="$DATA/mix.txt" wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s bench/tiles/paths.lua "$BASE" >/dev/null
echo "| run | writes | requests | req/s | p50 ms | p99 ms | tile hit rate | answer hit rate | hit rate | shared | non-2xx | Haven CPU s | PostgreSQL CPU s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
run "no writes"
write_loop &
WRITER=$!
run "one write per second"
stop_writer
run "no writes again"
