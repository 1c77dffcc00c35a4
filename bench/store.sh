#!/bin/sh
# bench/store: result rows/s through the writer, bytes per row, projected size.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=${1:-$here/../build/bench/bench_store}
work=$(mktemp -d /tmp/vigil-bench-store-XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
: >"$work/rows"
for round in 1 2 3; do
	"$bin" "$work" 2>/dev/null | tee "$work/out.$round" | grep -v '^TABLE'
	grep '^TABLE' "$work/out.$round" | cut -d'|' -f2- >>"$work/rows"
done
rate=$(cut -d'|' -f1 "$work/rows" | median)
set -- $(tail -1 "$work/rows" | tr '|' ' ')
record_row store "| $(date -u +%Y-%m-%d) | $(machine) | $rate | $2 | $3 | $4 | $5 MB |"
