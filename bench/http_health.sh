#!/bin/sh
# GET /health under wrk -t2 -c64: Vigil against nginx answering the same body
# with `return 200` on the same machine, ROUNDS rounds alternating. Prints both
# rates, the median ratio and Vigil's p99 latency, and rewrites the
# "http_health" table of bench/README.md.
#
#   bench/http_health.sh [VIGIL_BINARY]    (DURATION=10s ROUNDS=3 THREADS=2)
# THREADS is both Vigil's server.threads and nginx's worker_processes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vigil=$(realpath "${1:-$here/../build/vigil}")
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
threads=${THREADS:-2}
work=$(mktemp -d /tmp/vigil-bench-XXXXXX)
vport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cleanup() {
	[ -n "${vpid:-}" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

cat >"$work/vigil.yaml" <<YAML
server:
  listen: "127.0.0.1:$vport"
  threads: $threads
storage:
  path: "$work/vigil.db"
log:
  level: warn
YAML
"$vigil" serve -c "$work/vigil.yaml" 2>"$work/vigil.log" &
vpid=$!
for _ in $(seq 1 100); do
	curl -sf "http://127.0.0.1:$vport/health/live" >/dev/null 2>&1 && break
	sleep 0.1
done
body=$(curl -sf "http://127.0.0.1:$vport/health" | sed "s/'/\\'/g")

mkdir -p "$work/nginx/logs"
cat >"$work/nginx.conf" <<NGINX
worker_processes $threads;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$nport;
        location = /health {
            default_type application/health+json;
            return 200 '$body';
        }
    }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx.conf"
for _ in $(seq 1 50); do
	curl -sf "http://127.0.0.1:$nport/health" >/dev/null 2>&1 && break
	sleep 0.1
done

# wrk prints "Requests/sec: N" and, with --latency, "99% X[us|ms|s]".
measure() {
	wrk -t2 -c64 -d"$duration" --latency "$1" >"$work/wrk.out" 2>&1
	rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
	p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$work/wrk.out")
	echo "$rps $p99"
}

: >"$work/results"
i=1
while [ "$i" -le "$rounds" ]; do
	v=$(measure "http://127.0.0.1:$vport/health")
	n=$(measure "http://127.0.0.1:$nport/health")
	echo "round $i: vigil $v | nginx $n (req/s p99_ms)"
	echo "$v $n" >>"$work/results"
	i=$((i + 1))
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
v_rps=$(awk '{print $1}' "$work/results" | median)
v_p99=$(awk '{print $2}' "$work/results" | median)
n_rps=$(awk '{print $3}' "$work/results" | median)
n_p99=$(awk '{print $4}' "$work/results" | median)
ratio=$(awk '{print $1 / $3}' "$work/results" | median)
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "median: vigil $v_rps req/s (p99 $v_p99 ms), nginx $n_rps req/s (p99 $n_p99 ms), ratio $ratio"

row="| $(date -u +%Y-%m-%d) | $(nproc) cores, $cpu | $threads | $v_rps | $n_rps | $ratio | $v_p99 ms | $n_p99 ms |"
/usr/bin/python3 - "$here/README.md" "http_health_t$threads" "$row" <<'PY'
import re, sys
path, key, row = sys.argv[1:4]
text = open(path).read()
new = re.sub(r'(<!-- %s -->\n).*?\n' % re.escape(key), lambda m: m.group(1) + row + '\n', text)
open(path, 'w').write(new)
PY
