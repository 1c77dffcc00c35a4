#!/bin/sh
# The browser tests: installs playwright-core from package-lock.json when
# node_modules is missing or older than the lockfile, then runs main.mjs,
# which prints TAP. VIGIL_BIN: the binary under test (default build-asan/vigil);
# VIGIL_ARTIFACTS: where screenshots go (default build-asan/browser-artifacts).
set -eu
# paths given relative to where we were started
for v in VIGIL_BIN VIGIL_ARTIFACTS; do
	eval "val=\${$v:-}"
	case "$val" in
	'' | /*) ;;
	*) export "$v=$(pwd)/$val" ;;
	esac
done
cd "$(dirname "$0")"

stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f "$stamp" ] ||
	[ "$(cat "$stamp")" != "$want" ]; then
	log=$(mktemp)
	if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
		echo "not ok 1 - npm ci (playwright-core from package-lock.json)"
		sed 's/^/# /' "$log"
		rm -f "$log"
		echo "1..1"
		exit 1
	fi
	rm -f "$log"
	echo "$want" >"$stamp"
fi

exec node main.mjs
