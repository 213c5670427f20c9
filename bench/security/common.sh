# Shared by flood.sh and load.sh (sourced from the repository's root): builds the release
# binary unless BUILD=0, starts one Haven on a private cluster and stops it on exit, and reads
# its memory.
#   start_haven PORT DATA_DIR [haven serve flags...]   sets PID
#   rss_mb VmRSS|VmHWM                                 Haven's RSS now / at its peak, in MB
ROOT=$PWD
HAVEN=${HAVEN:-$ROOT/target/release/haven}
PID=

cleanup() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "error: wrk is required (apt-get install wrk)" >&2; exit 1; }
if [ "${BUILD:-1}" != 0 ]; then cargo build --release --locked --bin haven >&2; fi

start_haven() {
    local port=$1 data_dir=$2
    shift 2
    if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then
        echo "port $port is taken by another server; set PORT=..." >&2
        exit 1
    fi
    mkdir -p "$data_dir"
    chmod 755 "$data_dir" # the private cluster runs as `postgres` when this runs as root
    RUST_LOG=${RUST_LOG:-error} env -u DATABASE_URL -u DATABASE_REPLICA_URL \
        "$HAVEN" serve --data-dir "$data_dir" --trust-forwarded-for \
        --listen "127.0.0.1:$port" --static-dir "$ROOT/map-client/dist" "$@" >&2 &
    PID=$!
    # The first start imports the bundled data (load.sh): give it time.
    for _ in $(seq 1 3000); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && return 0
        sleep 0.2
    done
    echo "error: haven did not start" >&2
    exit 1
}

rss_mb() { awk -v key="$1:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
