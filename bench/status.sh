#!/bin/sh
# The public status page with 1,000 public monitors: the server time to render
# it (bench_status: median of renders of the HTML and JSON with 90-day bars,
# in-process), its size, and GET /status under wrk (served from the render
# cached per snapshot) against nginx serving the same bytes from a file.
# Rewrites the "status" table of bench/README.md.
#
#   bench/status.sh [VIGIL_BINARY]    (DURATION=10s ROUNDS=3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
vigil=$(realpath "${1:-$here/../build/vigil}")
bench=$(dirname "$vigil")/bench/bench_status
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
work=$(mktemp -d /tmp/vigil-bench-XXXXXX)
vport=$(free_port)
nport=$(free_port)

cleanup() {
	[ -n "${vpid:-}" ] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	stop_nginx "$work/nginx"
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# 1. render time and size, in-process (median of 51 renders each)
set -- $("$bench" 1000 51 | sed -n 's/^TABLE|//p' | tr '|' ' ')
html_us=$2 html_bytes=$3 json_us=$4 json_bytes=$5
echo "render (1,000 monitors): html ${html_us} µs ${html_bytes} B, json ${json_us} µs ${json_bytes} B"

# 2. GET /status under wrk: 1,000 public monitors on a closed port, checked once a minute
{
	printf 'server:\n  listen: "127.0.0.1:%s"\nstorage:\n  path: "%s/vigil.db"\n' "$vport" "$work"
	printf 'log:\n  level: warn\nstatus_page:\n  title: Bench\nmonitors:\n'
	i=0
	while [ "$i" -lt 1000 ]; do
		printf '  - {name: "Service %d", type: tcp, host: 127.0.0.1, port: 9, interval: 60s, public: true, group: "G%d"}\n' "$i" $((i % 8))
		i=$((i + 1))
	done
} >"$work/vigil.yaml"
"$vigil" serve -c "$work/vigil.yaml" 2>"$work/vigil.log" &
vpid=$!
wait_http "http://127.0.0.1:$vport/status" 1200 || { cat "$work/vigil.log" >&2; curl -sv "http://127.0.0.1:$vport/status" 2>&1 | tail -5 >&2; exit 1; }
# every monitor checked and its automatic incident opened: the page stops changing (30 s at most)
prev=0 tries=0
while [ "$tries" -lt 30 ]; do
	sleep 1
	curl -sf "http://127.0.0.1:$vport/status" >"$work/status.html"
	served=$(wc -c <"$work/status.html")
	[ "$served" = "$prev" ] && break
	prev=$served tries=$((tries + 1))
done
mkdir -p "$work/nginx/logs" "$work/www"
cp "$work/status.html" "$work/www/status.html"
chmod a+rx "$work" "$work/www" && chmod a+r "$work/www/status.html" # nginx's workers run as nobody
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$nport;
        location = /status { default_type text/html; alias $work/www/status.html; }
    }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
wait_http "http://127.0.0.1:$nport/status"

# 3. first contentful paint in Chromium on loopback (median of 7 fresh loads)
fcp=$(node "$here/status_fcp.mjs" "http://127.0.0.1:$vport/status" 7 | sed -n 's/^FCP|\([^|]*\)|.*/\1/p')
echo "first contentful paint: ${fcp} ms (median of 7)"

rate() { # URL
	wrk -t2 -c32 -d"$duration" "$1" | awk '/^Requests\/sec/ { print $2 }'
}
vr="" nr="" cr=""
r=0
while [ "$r" -lt "$rounds" ]; do
	v=$(rate "http://127.0.0.1:$vport/status")
	n=$(rate "http://127.0.0.1:$nport/status")
	c=$(rate "http://127.0.0.1:$vport/status/components/service-500") # rendered per request
	echo "round $((r + 1)): vigil $v req/s, nginx $n req/s; a component's page $c req/s"
	vr="$vr $v"
	nr="$nr $n"
	cr="$cr $c"
	r=$((r + 1))
done
vmed=$(echo "$vr" | tr ' ' '\n' | grep . | median)
nmed=$(echo "$nr" | tr ' ' '\n' | grep . | median)
cmed=$(echo "$cr" | tr ' ' '\n' | grep . | median)
ratio=$(awk -v a="$vmed" -v b="$nmed" 'BEGIN { printf "%.2f", a / b }')
echo "median: vigil $vmed req/s, nginx $nmed req/s, ratio $ratio; page served: $served B; component page $cmed req/s"
record_row status "| $(date +%F) | $(machine) | $html_us µs | $html_bytes B | $json_us µs | $json_bytes B | $served B | $vmed | $nmed | $ratio | $cmed | $fcp ms |"
