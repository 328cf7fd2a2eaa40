#!/usr/bin/env bash
# Side-by-side benchmark: streamedge beside nginx, Varnish and ATS (see
# bench/README.md). Run from anywhere: `bash bench/run.sh` (what `make
# bench` runs after the Go benchmarks). Knobs: BENCH_PEERS,
# BENCH_FANOUT_PLAYERS, BENCH_FANOUT_SECONDS, BENCH_WRK_SECONDS,
# BENCH_QUICK=1, BENCH_OUT, BENCH_APPEND, BENCH_PORT_BASE, BENCH_HERD_CLIENTS,
# BENCH_QUIET_WAIT, BENCH_KEEP_WORK, BENCH_CACHE_MB, BENCH_HTTPS, BENCH_H2_STREAMS,
# BENCH_PHASES.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
GO=${GO:-go}
peers_dir=${BENCH_PEERS_DIR:-$root/../shared/peers}
out=${BENCH_OUT:-$root/bench/out/bench.json}
bin=$root/bench/out/bin

# wrk (Debian package) is the hit-throughput client.
if ! command -v wrk >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bench: wrk is missing; install it (apt-get install wrk) or run as root" >&2
		exit 1
	fi
	echo "bench: installing wrk ..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
fi
# h2load (Debian nghttp2-client) is the HTTP/2 client of the HTTPS phase;
# without it the HTTP/2 rows are skipped.
if [ "${BENCH_HTTPS:-1}" = 1 ] && ! command -v h2load >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	echo "bench: installing h2load (nghttp2-client) ..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null 2>&1; } ||
		echo "bench: nghttp2-client not installed: no HTTP/2 figures" >&2
fi
for s in start stop; do
	[ -x "$peers_dir/$s" ] || { echo "bench: $peers_dir/$s not found (set BENCH_PEERS_DIR)" >&2; exit 1; }
done

mkdir -p "$bin" "$(dirname "$out")"
echo "bench: building into $bin" >&2
version=$(git describe --always --dirty 2>/dev/null || echo dev)
"$GO" build -ldflags "-X main.version=$version" -o "$bin/streamedge" ./cmd/streamedge
"$GO" build -o "$bin/player-test" ./player-test
"$GO" build -o "$bin/herd" ./bench/herd
"$GO" build -o "$bin/ceiling" ./bench/ceiling
"$GO" build -o "$bin/sidebyside" ./bench/sidebyside

work=$(mktemp -d "${TMPDIR:-/tmp}/streamedge-bench.XXXXXX")
keep=${BENCH_KEEP_WORK:-0}
child=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
		kill -TERM "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	# Children sidebyside started (origin, streamedge, ceiling), if it could
	# not stop them: only PIDs it recorded whose command is one of our binaries.
	if [ -f "$work/children" ]; then
		while read -r pid; do
			if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "^$bin/"; then
				kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
			fi
		done <"$work/children"
	fi
	# The peers run under setsid: stop them even if sidebyside could not.
	for p in nginx nginx-tls varnish ats; do
		if [ -f "$work/$p/peer.pid" ]; then "$peers_dir/stop" "$work/$p" >/dev/null 2>&1 || true; fi
	done
	if [ "$keep" = 1 ] || [ "$rc" -ne 0 ]; then
		echo "bench: logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

BENCH_ROOT=$root BENCH_BIN=$bin BENCH_WORKDIR=$work BENCH_OUT=$out BENCH_PEERS_DIR=$peers_dir \
	"$bin/sidebyside" &
child=$!
wait "$child"
