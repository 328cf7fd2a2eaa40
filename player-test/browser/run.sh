#!/bin/sh
# Installs what the browser test needs (idempotent) and runs it:
#   - Debian's chromium, with apt-get, when /usr/bin/chromium is missing
#     (needs root; `apt-get update` is run once if the first install fails);
#   - node_modules (playwright-core, hls.js, shaka-player) with npm ci when
#     missing or older than package-lock.json (no browser download:
#     playwright-core drives /usr/bin/chromium);
#   - bin/streamedge and bin/player-test with `make build`, unless SKIP_BUILD=1 (make
#     test-browser builds first);
# then runs browser-test.mjs. Needs Go, node >= 20 and npm.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "run.sh: $chromium is missing; install it as root: apt-get install -y --no-install-recommends chromium" >&2
		exit 1
	fi
	echo "run.sh: installing chromium with apt-get" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends chromium; then
		apt-get update
		apt-get install -y --no-install-recommends chromium
	fi
fi

cd "$here"
stamp=node_modules/.package-lock.json # npm ci writes it last
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
	echo "run.sh: npm ci in $here" >&2
	npm ci --no-audit --no-fund
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
	make -C "$root" build
fi

exec node "$here/browser-test.mjs" "$@"
