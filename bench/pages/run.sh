#!/usr/bin/env bash
# Page latency benchmark: the server-rendered pages (city, practice, network, policy area,
# index), a citation and the two feeds at 16 connections on the bundled data, from the answer cache
# and on the database path, each row with its same-run static peer. It is bench/api/run.sh
# with SUITE=pages (same build, data, wrk settings and ceiling); every variable it takes
# (DURATION, PORT, DATASET, REIMPORT, BENCH_DATA) works here too.
#
#   bench/pages/run.sh
#   DURATION=5s bench/pages/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SUITE=pages BENCH_DATA=${BENCH_DATA:-$PWD/target/bench-pages-${DATASET:-bundled}} exec bench/api/run.sh "$@"
