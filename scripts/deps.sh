#!/bin/sh
# Installs the Debian packages Vigil's build, tests and benchmarks need, only
# those missing (dpkg -s), running `apt-get update` once when it must install.
# Nothing is downloaded any other way (npm packages for the browser tests are
# installed by tests/browser from package-lock.json).
set -eu

PACKAGES="
gcc make cmake pkg-config
libuv1-dev libcurl4-openssl-dev libmicrohttpd-dev libsqlite3-dev libyaml-dev
libjansson-dev libssl-dev libcmocka-dev
libc-ares-dev libhiredis-dev libpq-dev
clang clang-format libclang-rt-14-dev
python3 python3-pytest python3-requests python3-jsonschema python3-aiosmtpd python3-yaml
groff-base man-db
prometheus prometheus-blackbox-exporter prometheus-node-exporter prometheus-alertmanager
openssl curl tzdata
nginx-light wrk slowhttptest
redis-server postgresql postgresql-common monitoring-plugins-basic libmonitoring-plugin-perl
python3-dnslib nftables iproute2 locales
libncurses-dev tmux zsh fish
chromium fonts-dejavu-core
"

missing=""
for p in $PACKAGES; do
	if ! dpkg -s "$p" >/dev/null 2>&1 ||
	   ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "deps.sh: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps.sh: done"
