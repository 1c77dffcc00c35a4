#!/bin/sh
# bench/security: the cost of Vigil defending itself. /health and
# /api/v1/monitors (1,000 monitors, viewer token) under `wrk -t2 -c64 -d10s`,
# once with rate limiting and the request log on (loopback not exempt, budgets
# too large to refuse anything, so every request pays for its bucket and its
# log row) and once with them off (loopback exempt, request log disabled),
# three rounds alternating. Rewrites the "security" row of bench/README.md.
#
#   bench/security.sh [VIGIL_BINARY]     (SECONDS_MEASURED=10)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vigil=$(realpath "${1:-$here/../build/vigil}")
secs=${SECONDS_MEASURED:-10}
work=$(mktemp -d /tmp/vigil-bench-security-XXXXXX)
token=bench-viewer-token-0123456789
vpid=""

cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# config ON|OFF -> $work/vigil.yaml
config() {
	port=$(free_port)
	{
		echo "server: {listen: \"127.0.0.1:$port\"}"
		echo "storage: {path: \"$work/vigil-$1.db\"}"
		echo "log: {level: warn}"
		echo "host: {enabled: false}"
		echo "auth: {tokens: [{name: bench, token: $token}]}"
		if [ "$1" = on ]; then
			echo "security: {allow: [], rate_limit: {requests: 100000000, per: 1s, burst: 100000000},"
			echo "  health_rate_limit: {requests: 100000000, per: 1s, burst: 100000000},"
			echo "  request_log: {enabled: true, rows_per_second: 2000}}"
		else
			echo "security: {request_log: {enabled: false}}"
		fi
		echo "monitors:"
		i=0
		while [ $i -lt 1000 ]; do
			echo "  - {name: m$i, type: tcp, host: 127.0.0.1, port: 9, interval: 1h}"
			i=$((i + 1))
		done
	} >"$work/vigil.yaml"
}

# run ON|OFF PATH -> prints requests/s
run() {
	config "$1"
	"$vigil" serve -c "$work/vigil.yaml" 2>>"$work/vigil.log" &
	vpid=$!
	wait_http "http://127.0.0.1:$port/health/live" 400
	wrk -t2 -c64 -d"${secs}s" -H "Authorization: Bearer $token" \
		"http://127.0.0.1:$port$2" >"$work/wrk.out"
	kill "$vpid" && wait "$vpid" 2>/dev/null || true
	vpid=""
	awk '/^Requests\/sec/ { print $2 }' "$work/wrk.out"
}

for path in /health /api/v1/monitors; do
	key=$([ "$path" = /health ] && echo _health || echo _monitors)
	: >"$work/ratio$key"
	for round in 1 2 3; do
		on=$(run on "$path")
		off=$(run off "$path")
		echo "round $round $path: on $on req/s, off $off req/s"
		echo "$on" >>"$work/on$key"
		echo "$off" >>"$work/off$key"
		awk -v a="$on" -v b="$off" 'BEGIN { printf "%.4f\n", a / b }' >>"$work/ratio$key"
	done
done
hon=$(median <"$work/on_health")
hoff=$(median <"$work/off_health")
hr=$(median <"$work/ratio_health")
mon=$(median <"$work/on_monitors")
moff=$(median <"$work/off_monitors")
mr=$(median <"$work/ratio_monitors")
hover=$(awk -v r="$hr" 'BEGIN { printf "%.1f", (1 - r) * 100 }')
mover=$(awk -v r="$mr" 'BEGIN { printf "%.1f", (1 - r) * 100 }')
echo "/health: on $hon, off $hoff req/s: overhead $hover %"
echo "/api/v1/monitors: on $mon, off $moff req/s: overhead $mover %"
record_row security "| $(date -u +%Y-%m-%d) | $(machine) | $hon | $hoff | $hover % | $mon | $moff | $mover % |"
