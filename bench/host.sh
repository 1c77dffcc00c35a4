#!/bin/sh
# bench/host: the cost of host metrics.
#   - CPU per full host sample (read and parse /proc, statvfs, rates), as at a
#     1 s interval and re-reading every file (build/bench/bench_host)
#   - one /metrics scrape of Vigil (no monitors) against one of Debian's
#     prometheus-node-exporter limited to the collectors Vigil covers, both
#     under `wrk -t1 -c1`: server CPU per scrape and mean wall time per scrape
#   - Vigil's idle RSS and CPU % with no monitors and host.interval 1 s
# Rewrites the "host" row of bench/README.md.
#
#   bench/host.sh [VIGIL_BINARY]    (IDLE_SECONDS=60 SCRAPE_SECONDS=10)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vigil=$(realpath "${1:-$here/../build/vigil}")
bench_host="$(dirname "$vigil")/bench/bench_host"
idle=${IDLE_SECONDS:-60}
scrape=${SCRAPE_SECONDS:-10}
work=$(mktemp -d /tmp/vigil-bench-host-XXXXXX)
vpid=""
npid=""

cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	[ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# bench_host, three rounds
for round in 1 2 3; do
	"$bench_host" 5000 | tee "$work/host.$round" | grep -v '^TABLE'
	grep '^TABLE' "$work/host.$round" | cut -d'|' -f2- >>"$work/samples"
done
sample=$(cut -d'|' -f1 "$work/samples" | median)
sample_full=$(cut -d'|' -f2 "$work/samples" | median)

vport=$(free_port)
cat >"$work/vigil.yaml" <<YAML
server: {listen: "127.0.0.1:$vport"}
storage: {path: "$work/vigil.db"}
log: {level: warn}
host: {interval: 1s}
YAML
"$vigil" serve -c "$work/vigil.yaml" 2>>"$work/vigil.log" &
vpid=$!
wait_http "http://127.0.0.1:$vport/health/live" 400

nport=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" \
	--collector.disable-defaults --collector.cpu --collector.meminfo \
	--collector.loadavg --collector.netdev --collector.diskstats \
	--collector.filesystem --collector.vmstat --collector.stat \
	--collector.filefd --collector.uname --collector.time \
	2>>"$work/node.log" &
npid=$!
wait_http "http://127.0.0.1:$nport/metrics" 400

# scrape URL PID -> "cpu_us_per_scrape wall_us_per_scrape"
scrape() {
	before=$(cpu_seconds "$2")
	wrk -t1 -c1 -d"${scrape}s" "$1" >"$work/wrk.out"
	after=$(cpu_seconds "$2")
	n=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
	awk -v b="$before" -v a="$after" -v n="$n" -v s="$scrape" \
		'BEGIN { printf "%.1f %.1f\n", (a - b) * 1e6 / n, s * 1e6 / n }'
}

for round in 1 2 3; do
	set -- $(scrape "http://127.0.0.1:$vport/metrics" "$vpid")
	echo "round $round: vigil /metrics: $1 us CPU, $2 us wall per scrape"
	echo "$1" >>"$work/v.cpu"
	echo "$2" >>"$work/v.wall"
	set -- $(scrape "http://127.0.0.1:$nport/metrics" "$npid")
	echo "round $round: node_exporter /metrics: $1 us CPU, $2 us wall per scrape"
	echo "$1" >>"$work/n.cpu"
	echo "$2" >>"$work/n.wall"
done
kill "$npid" && wait "$npid" 2>/dev/null || true
npid=""
vcpu=$(median <"$work/v.cpu")
vwall=$(median <"$work/v.wall")
ncpu=$(median <"$work/n.cpu")
nwall=$(median <"$work/n.wall")
cpu_ratio=$(awk -v n="$ncpu" -v v="$vcpu" 'BEGIN { printf "%.1f", n / v }')
wall_ratio=$(awk -v n="$nwall" -v v="$vwall" 'BEGIN { printf "%.1f", n / v }')

# idle: let the scrapes' buffers settle, then measure over IDLE_SECONDS
sleep 5
before=$(cpu_seconds "$vpid")
sleep "$idle"
after=$(cpu_seconds "$vpid")
cpu_pct=$(awk -v b="$before" -v a="$after" -v s="$idle" 'BEGIN { printf "%.3f", (a - b) * 100 / s }')
rss=$(rss_kib "$vpid")
rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
anon_mb=$(awk '/^RssAnon/ { printf "%.1f", $2 / 1024 }' "/proc/$vpid/status")
pss_mb=$(awk '/^Pss:/ { printf "%.1f", $2 / 1024 }' "/proc/$vpid/smaps_rollup")
echo "sample: $sample us (1 s cadence), $sample_full us (every file)"
echo "scrape: vigil $vcpu us CPU / $vwall us wall, node_exporter $ncpu us / $nwall us: ${cpu_ratio}x CPU, ${wall_ratio}x wall"
echo "idle with host.interval 1s: RSS $rss_mb MB (anonymous $anon_mb MB, PSS $pss_mb MB), CPU $cpu_pct %"
record_row host "| $(date -u +%Y-%m-%d) | $(machine) | $sample µs | $sample_full µs | $vcpu µs / $vwall µs | $ncpu µs / $nwall µs | ${cpu_ratio}× / ${wall_ratio}× | $rss_mb MB ($anon_mb anon, $pss_mb PSS) | $cpu_pct % |"
