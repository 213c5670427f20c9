#!/bin/sh
# Times a full import of the bundled dataset into a fresh private cluster and reports the
# peak memory of the `haven import` process (GNU time). Usage: bench/import.sh [haven binary]
set -eu
cd "$(dirname "$0")/.."
HAVEN=${1:-target/release/haven}
[ -x "$HAVEN" ] || cargo build --release --bin haven
DIR=$(mktemp -d /tmp/haven-import-bench.XXXXXX)
chmod 755 "$DIR" # the private cluster runs as `postgres` when this runs as root
trap '"$HAVEN" admin stop-cluster --data-dir "$DIR" >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
# Start and migrate the cluster first, so that only the import is timed.
"$HAVEN" migrate --data-dir "$DIR" >/dev/null 2>&1
echo "first import (empty database):"
/usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$HAVEN" import --data-dir "$DIR" data 2>&1 | grep -E "^total|wall"
echo "second import (nothing changes):"
/usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$HAVEN" import --data-dir "$DIR" data 2>&1 | grep -E "^total|wall"
