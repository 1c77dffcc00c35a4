# Shared helpers of the benchmark scripts (sourced, not run).

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() { # URL [tries]
	i=0
	while [ "$i" -lt "${2:-200}" ]; do
		curl -sf "$1" >/dev/null 2>&1 && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# CPU seconds (user + system) used so far by PID.
cpu_seconds() {
	awk -v tck="$(getconf CLK_TCK)" '{ print ($14 + $15) / tck }' "/proc/$1/stat"
}

rss_kib() {
	awk '/^VmRSS/ { print $2 }' "/proc/$1/status"
}

# Sum of vigil_checks_total from a metrics URL.
checks_total() {
	curl -sf "$1" | awk '/^vigil_checks_total\{/ { s += $2 } END { printf "%d\n", s }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

machine() {
	echo "$(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
}

# Replaces the line after "<!-- KEY -->" in bench/README.md with ROW.
record_row() { # KEY ROW
	/usr/bin/python3 - "$(dirname "$0")/README.md" "$1" "$2" <<'PY'
import re, sys
path, key, row = sys.argv[1:4]
text = open(path).read()
new, n = re.subn(r'(<!-- %s -->\n)[^\n]*\n' % re.escape(key), lambda m: m.group(1) + row + '\n', text)
if n == 0:
    sys.exit('bench: no marker %s in %s' % (key, path))
open(path, 'w').write(new)
PY
}

# Starts nginx answering /ok on PORT with WORKERS processes; its prefix is DIR.
start_nginx() { # DIR PORT WORKERS
	mkdir -p "$1/logs"
	cat >"$1/nginx.conf" <<NGINX
worker_processes ${3:-1};
pid $1/nginx.pid;
error_log $1/error.log;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$2 backlog=4096;
        location = /ok { return 200 "ok"; }
    }
}
NGINX
	nginx -p "$1" -c "$1/nginx.conf"
	wait_http "http://127.0.0.1:$2/ok"
}

stop_nginx() { # DIR
	[ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null
	return 0
}
