#!/bin/sh
# Runs every libFuzzer target of BUILD for SECONDS each, on a copy of its seed
# corpus (new inputs go to fuzz-out/, never into the repository's corpus).
set -eu
build=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for fuzzer in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$fuzzer" ] || continue
	name=$(basename "$fuzzer")
	corpus=$root/tests/fuzz/corpus/${name#fuzz_}
	work=$root/fuzz-out/$name
	mkdir -p "$work/corpus" "$work/crashes"
	cp -n "$corpus"/* "$work/corpus/" 2>/dev/null || true
	echo "== $name for ${seconds}s"
	if ! "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/crashes/" "$work/corpus" >"$work/log" 2>&1; then
		echo "$name: FAILED, see $work/log and $work/crashes/"
		tail -30 "$work/log"
		status=1
	else
		grep -E '^(#[0-9]+|Done)' "$work/log" | tail -1
	fi
done
exit $status
