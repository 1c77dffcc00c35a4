#!/bin/sh
# bench/checks: 10,000 HTTP monitors against a local nginx.
#   - sustained checks/s and daemon CPU per check, unthrottled (interval 500 ms,
#     so 20,000 checks/s are asked for), with fresh connections and keep-alive
#   - RSS per monitor: RSS with 10,000 idle monitors minus RSS with none
#   - scheduler lag p50/p99 at 1,000 checks/s (interval 10 s)
#   - prometheus-blackbox-exporter probing the same nginx, CPU per probe
# Rewrites the "checks" row of bench/README.md.
#
#   bench/checks.sh [VIGIL_BINARY]     (MONITORS=10000 SECONDS=10)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vigil=$(realpath "${1:-$here/../build/vigil}")
monitors=${MONITORS:-10000}
secs=${SECONDS_MEASURED:-10}
work=$(mktemp -d /tmp/vigil-bench-checks-XXXXXX)
nport=$(free_port)
vpid=""
bpid=""

cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	stop_nginx "$work/nginx"
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

start_nginx "$work/nginx" "$nport" 1

# config N INTERVAL KEEPALIVE -> $work/vigil.yaml
config() {
	/usr/bin/python3 - "$work" "$1" "$2" "$3" "$nport" <<'PY'
import sys
work, n, interval, keepalive, nport = sys.argv[1:6]
out = [f'server: {{listen: "127.0.0.1:{{port}}"}}', f'storage: {{path: "{work}/vigil.db"}}',
       'log: {level: warn}', 'scheduler: {max_in_flight: 1024}', 'monitors:']
for i in range(int(n)):
    out.append(f'  - {{name: m{i}, type: http, url: "http://127.0.0.1:{nport}/ok", '
               f'interval: {interval}, timeout: 450ms, keepalive: {keepalive}}}')
if int(n) == 0:
    out[-1] = 'monitors: []'
open(f'{work}/vigil.yaml.in', 'w').write('\n'.join(out) + '\n')
PY
}

start_vigil() {
	vport=$(free_port)
	sed "s/{port}/$vport/" "$work/vigil.yaml.in" >"$work/vigil.yaml"
	rm -f "$work"/vigil.db*
	"$vigil" serve -c "$work/vigil.yaml" 2>>"$work/vigil.log" &
	vpid=$!
	wait_http "http://127.0.0.1:$vport/health/live" 400
	metrics="http://127.0.0.1:$vport/metrics"
}

stop_vigil() {
	kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null || true
	vpid=""
}

# Runs vigil with $monitors monitors at interval $1, keepalive $2; prints "checks/s cpu_us_per_check".
throughput() {
	config "$monitors" "$1" "$2"
	start_vigil
	sleep 5
	c0=$(checks_total "$metrics")
	u0=$(cpu_seconds "$vpid")
	sleep "$secs"
	c1=$(checks_total "$metrics")
	u1=$(cpu_seconds "$vpid")
	stop_vigil
	awk -v c="$((c1 - c0))" -v u0="$u0" -v u1="$u1" -v s="$secs" \
		'BEGIN { printf "%.0f %.1f\n", c / s, (u1 - u0) * 1e6 / (c > 0 ? c : 1) }'
}

echo "== RSS per monitor"
config 0 1h false
start_vigil
sleep 2
rss0=$(rss_kib "$vpid")
stop_vigil
config "$monitors" 1h false
start_vigil
sleep 5
rssn=$(rss_kib "$vpid")
stop_vigil
rss_per=$(awk -v a="$rss0" -v b="$rssn" -v n="$monitors" 'BEGIN { printf "%.2f", (b - a) / n }')
echo "RSS with 0 monitors ${rss0} KiB, with $monitors ${rssn} KiB: $rss_per KiB per monitor"

echo "== throughput, fresh connections"
set -- $(throughput 500ms false)
fresh_rate=$1 fresh_cpu=$2
echo "$fresh_rate checks/s, $fresh_cpu us CPU per check"

echo "== throughput, keep-alive"
set -- $(throughput 500ms true)
ka_rate=$1 ka_cpu=$2
echo "$ka_rate checks/s, $ka_cpu us CPU per check"

echo "== scheduler lag at 1,000 checks/s"
config "$monitors" 10s false
start_vigil
sleep 25
lag=$(curl -sf "$metrics" | /usr/bin/python3 -c '
import re, sys
text = sys.stdin.read()
b = [(float("inf") if le == "+Inf" else float(le), float(v)) for le, v in
     re.findall(r"^vigil_scheduler_lag_seconds_bucket\{le=\"([^\"]+)\"\} (\S+)", text, re.M)]
def q(p):
    total = b[-1][1]; rank = p * total; prev_le, prev_c = 0.0, 0.0
    for le, c in b:
        if c >= rank:
            if le == float("inf"): return prev_le
            return prev_le + (le - prev_le) * ((rank - prev_c) / (c - prev_c) if c > prev_c else 1)
        prev_le, prev_c = le, c
    return prev_le
print("%.3f %.3f %d" % (q(0.5) * 1000, q(0.99) * 1000, b[-1][1]))')
rate1k_c0=$(checks_total "$metrics")
stop_vigil
set -- $lag
lag50=$1 lag99=$2
echo "lag p50 ${lag50} ms, p99 ${lag99} ms over $3 checks"

echo "== prometheus-blackbox-exporter"
bport=$(free_port)
cat >"$work/blackbox.yml" <<YAML
modules:
  http_2xx:
    prober: http
    timeout: 5s
YAML
prometheus-blackbox-exporter --config.file="$work/blackbox.yml" \
	--web.listen-address="127.0.0.1:$bport" --log.level=warn 2>>"$work/blackbox.log" &
bpid=$!
wait_http "http://127.0.0.1:$bport/metrics"
u0=$(cpu_seconds "$bpid")
wrk -t2 -c32 -d"${secs}s" "http://127.0.0.1:$bport/probe?target=http://127.0.0.1:$nport/ok&module=http_2xx" >"$work/wrk.out" 2>&1
u1=$(cpu_seconds "$bpid")
probes=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
bb_cpu=$(awk -v p="$probes" -v u0="$u0" -v u1="$u1" 'BEGIN { printf "%.1f", (u1 - u0) * 1e6 / p }')
bb_rate=$(awk -v p="$probes" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')
echo "blackbox: $bb_rate probes/s, $bb_cpu us CPU per probe"
kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null || true
bpid=""

ratio=$(awk -v a="$bb_cpu" -v b="$fresh_cpu" 'BEGIN { printf "%.1f", a / b }')
record_row checks "| $(date -u +%Y-%m-%d) | $(machine) | $fresh_rate | $ka_rate | $fresh_cpu µs | $ka_cpu µs | $bb_cpu µs ($bb_rate/s) | ${ratio}× | $rss_per KiB | $lag50 ms | $lag99 ms |"
