#!/bin/sh
# bench/probes: checks per second and daemon CPU per check for the probe types
# that talk to a local server or run a program, each beside a reference
# measured on the same machine in the same run:
#   - command: /usr/lib/nagios/plugins/check_dummy 0 ok; reference: the same
#     plugin run by a shell loop (fork + exec + wait, nothing else)
#   - dns: A queries to tests/integration/dnsserver.py; reference:
#     prometheus-blackbox-exporter's dns prober against the same server
#   - redis: PING + INFO against redis-server; reference: blackbox's tcp prober
#     sending PING and expecting PONG (one round trip less than Vigil)
#   - postgres: connect + SELECT 1 against a local cluster (no reference:
#     blackbox has no PostgreSQL prober); the server's CPU is reported too
# Medians of ROUNDS (3) rounds of SECONDS_MEASURED (8) s. Rewrites the
# "probes_*" rows of bench/README.md.
#
#   bench/probes.sh [VIGIL_BINARY]      (MONITORS=200 INTERVAL=100ms; command: 20 monitors)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vigil=$(realpath "${1:-$here/../build/vigil}")
monitors=${MONITORS:-200}
interval=${INTERVAL:-100ms}
secs=${SECONDS_MEASURED:-8}
rounds=${ROUNDS:-3}
work=$(mktemp -d /tmp/vigil-bench-probes-XXXXXX)
pids=""
vpid=""

cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	[ -d "$work/pg" ] && runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg" \
		-m immediate stop >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# config TYPE_KEYS -> $work/vigil.yaml.in with $monitors monitors of those keys
config() {
	/usr/bin/python3 - "$work" "$monitors" "$interval" "$1" <<'PY'
import sys
work, n, interval, keys = sys.argv[1:5]
out = ['server: {listen: "127.0.0.1:{port}"}', f'storage: {{path: "{work}/vigil.db"}}',
       'log: {level: warn}', 'host: {enabled: false}', 'scheduler: {max_in_flight: 1024}',
       'monitors:']
for i in range(int(n)):
    out.append(f'  - {{name: m{i}, interval: {interval}, timeout: {interval}, {keys}}}')
open(f'{work}/vigil.yaml.in', 'w').write('\n'.join(out) + '\n')
PY
}

# Runs vigil on the config for $secs after a warm-up; prints "checks/s cpu_us_per_check child_us_per_check".
measure() {
	vport=$(free_port)
	sed "s/{port}/$vport/" "$work/vigil.yaml.in" >"$work/vigil.yaml"
	rm -f "$work"/vigil.db*
	"$vigil" serve -c "$work/vigil.yaml" 2>>"$work/vigil.log" &
	vpid=$!
	wait_http "http://127.0.0.1:$vport/health/live" 400
	metrics="http://127.0.0.1:$vport/metrics"
	sleep 3
	c0=$(checks_total "$metrics")
	set -- $(awk -v t="$(getconf CLK_TCK)" '{ print ($14 + $15) / t, ($16 + $17) / t }' "/proc/$vpid/stat")
	u0=$1 k0=$2
	sleep "$secs"
	c1=$(checks_total "$metrics")
	set -- $(awk -v t="$(getconf CLK_TCK)" '{ print ($14 + $15) / t, ($16 + $17) / t }' "/proc/$vpid/stat")
	u1=$1 k1=$2
	kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null || true
	vpid=""
	awk -v c="$((c1 - c0))" -v u0="$u0" -v u1="$u1" -v k0="$k0" -v k1="$k1" -v s="$secs" \
		'BEGIN { c = c > 0 ? c : 1; printf "%.0f %.1f %.1f\n", c / s, (u1 - u0) * 1e6 / c, (k1 - k0) * 1e6 / c }'
}

# Medians over $rounds of measure: prints "rate cpu child".
rounds_of() {
	: >"$work/rounds"
	round=0 # not i: wait_http (lib.sh) uses i
	while [ "$round" -lt "$rounds" ]; do
		measure >>"$work/rounds"
		round=$((round + 1))
	done
	r=$(cut -d' ' -f1 "$work/rounds" | median)
	u=$(cut -d' ' -f2 "$work/rounds" | median)
	k=$(cut -d' ' -f3 "$work/rounds" | median)
	echo "$r $u $k"
}

# CPU µs per probe of blackbox_exporter for MODULE (in $work/blackbox.yml) and TARGET.
blackbox() { # MODULE TARGET
	bport=$(free_port)
	prometheus-blackbox-exporter --config.file="$work/blackbox.yml" \
		--web.listen-address="127.0.0.1:$bport" --log.level=warn 2>>"$work/blackbox.log" &
	bpid=$!
	wait_http "http://127.0.0.1:$bport/metrics"
	u0=$(cpu_seconds "$bpid")
	wrk -t2 -c16 -d"${secs}s" "http://127.0.0.1:$bport/probe?target=$2&module=$1" >"$work/wrk.out" 2>&1
	u1=$(cpu_seconds "$bpid")
	kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null || true
	n=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
	awk -v p="$n" -v u0="$u0" -v u1="$u1" 'BEGIN { printf "%.1f\n", (u1 - u0) * 1e6 / (p > 0 ? p : 1) }'
}

cat >"$work/blackbox.yml" <<YAML
modules:
  dns_a:
    prober: dns
    timeout: 2s
    dns: {query_name: www.example.test, query_type: A, transport_protocol: udp,
          preferred_ip_protocol: ip4}
  redis_ping:
    prober: tcp
    timeout: 2s
    tcp:
      preferred_ip_protocol: ip4
      query_response: [{send: "PING"}, {expect: "^\\\\+PONG"}]
YAML

echo "== command: check_dummy"
plugin=/usr/lib/nagios/plugins/check_dummy
# 20 monitors (200 runs/s asked): the cores are not saturated, so the plugin
# costs what it costs in the reference loop
all=$monitors
monitors=20
config "type: command, command: \"$plugin 0 ok\""
monitors=$all
set -- $(rounds_of)
cmd_rate=$1 cmd_cpu=$2 cmd_child=$3
loop_us=$(/usr/bin/python3 - "$plugin" <<'PY'
import subprocess, sys, time
# the reference: fork + exec + wait of the same plugin from a shell, 2000 times
n = 2000
t = time.monotonic()
r0 = __import__('resource').getrusage(__import__('resource').RUSAGE_CHILDREN)
subprocess.run(['/bin/sh', '-c', f'i=0; while [ $i -lt {n} ]; do {sys.argv[1]} 0 ok >/dev/null; i=$((i+1)); done'])
r1 = __import__('resource').getrusage(__import__('resource').RUSAGE_CHILDREN)
print('%.1f' % ((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e6 / n))
PY
)
echo "vigil: $cmd_rate checks/s, $cmd_cpu µs CPU per check in vigil + $cmd_child µs in the plugin; shell loop: $loop_us µs per run (shell + plugin)"
record_row probes_command "| $(date -u +%Y-%m-%d) | $(machine) | command (check_dummy) | $cmd_rate | $cmd_cpu µs (+ $cmd_child µs plugin) | shell loop: $loop_us µs per run, shell + plugin | $(awk -v a="$loop_us" -v b="$cmd_cpu" -v k="$cmd_child" 'BEGIN { printf "%.2f", a / (b + k) }')× |"

echo "== dns: A query"
dport=$(free_port)
/usr/bin/python3 "$here/../tests/integration/dnsserver.py" 127.0.0.1 "$dport" >/dev/null 2>&1 &
pids="$pids $!"
sleep 0.5
config "type: dns, query: www.example.test, record: A, server: \"127.0.0.1:$dport\""
set -- $(rounds_of)
dns_rate=$1 dns_cpu=$2
bb_dns=$(blackbox dns_a "127.0.0.1:$dport")
echo "vigil: $dns_rate checks/s, $dns_cpu µs CPU per check; blackbox: $bb_dns µs per probe"
record_row probes_dns "| $(date -u +%Y-%m-%d) | $(machine) | dns (A, dnslib server) | $dns_rate | $dns_cpu µs | blackbox dns: $bb_dns µs | $(awk -v a="$bb_dns" -v b="$dns_cpu" 'BEGIN { printf "%.1f", a / b }')× |"

echo "== redis: PING + INFO"
rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
	--logfile "$work/redis.log" &
pids="$pids $!"
sleep 0.5
config "type: redis, url: \"redis://127.0.0.1:$rport/0\""
set -- $(rounds_of)
redis_rate=$1 redis_cpu=$2
bb_redis=$(blackbox redis_ping "127.0.0.1:$rport")
echo "vigil: $redis_rate checks/s, $redis_cpu µs CPU per check; blackbox tcp PING: $bb_redis µs per probe"
record_row probes_redis "| $(date -u +%Y-%m-%d) | $(machine) | redis (AUTH-less PING + INFO) | $redis_rate | $redis_cpu µs | blackbox tcp PING/PONG: $bb_redis µs | $(awk -v a="$bb_redis" -v b="$redis_cpu" 'BEGIN { printf "%.1f", a / b }')× |"

echo "== postgres: connect + SELECT 1"
pgport=$(free_port)
mkdir -p "$work/pg" "$work/pgsock"
chown postgres "$work/pg" "$work/pgsock"
chmod 755 "$work"
runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$work/pg" -A trust -U vigil >/dev/null
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$work/pg" -l "$work/pg/log" -w \
	-o "-p $pgport -k $work/pgsock -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
config "type: postgres, url: \"postgresql://vigil@127.0.0.1:$pgport/postgres\", query: \"SELECT 1\", expect: \"1\""
set -- $(rounds_of)
pg_rate=$1 pg_cpu=$2
echo "vigil: $pg_rate checks/s, $pg_cpu µs CPU per check"
record_row probes_postgres "| $(date -u +%Y-%m-%d) | $(machine) | postgres (connect + SELECT 1) | $pg_rate | $pg_cpu µs | none (blackbox has no PostgreSQL prober) | — |"
