#!/bin/sh
# `make bench`: every benchmark, each rewriting its rows in bench/README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vigil=${1:-$here/../build/vigil}
THREADS=1 "$here/http_health.sh" "$vigil"
THREADS=2 "$here/http_health.sh" "$vigil"
"$here/store.sh" "$(dirname "$vigil")/bench/bench_store"
"$here/checks.sh" "$vigil"
"$here/host.sh" "$vigil"
"$here/security.sh" "$vigil"
"$here/probes.sh" "$vigil"
"$here/status.sh" "$vigil"
