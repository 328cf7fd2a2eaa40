#!/usr/bin/env bash
# Hit throughput of streamedge and the peers with their rounds interleaved.
# `make bench` (bench/run.sh) measures one server after another, minutes
# apart; on a shared machine whose speed drifts (the bare fasthttp ceiling
# went from 184k to 131k req/s over one evening here) that drift lands in
# the ratios. This runs every server at once, warmed, and alternates them
# round by round: wrk -t2 -c64 on the 1 KiB and the 2 MiB hit, then reports
# each server's median and streamedge ÷ the best peer per size.
#   bash bench/interleave.sh [ROUNDS (3)] [SECONDS (8)]
# Peers: BENCH_PEERS (default "nginx varnish ats"), from ../shared/peers.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
rounds=${1:-3} secs=${2:-8}
peers=${BENCH_PEERS:-nginx varnish ats}
peers_dir=${BENCH_PEERS_DIR:-$root/../shared/peers}
work=$(mktemp -d)
go build -o "$work/streamedge" ./cmd/streamedge
go build -o "$work/player-test" ./player-test
"$work/player-test" origin -listen 127.0.0.1:27081 >"$work/origin.log" 2>&1 &
pids=($!)
cleanup() {
	for p in $peers; do "$peers_dir/stop" "$work/$p" >/dev/null 2>&1 || true; done
	kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
sleep 1
declare -A port=([streamedge]=27080)
"$work/streamedge" serve -origin http://127.0.0.1:27081 -listen 127.0.0.1:27080 -admin 127.0.0.1:27090 \
	-cache-size 1024MiB -access-log off -log-level warn >"$work/streamedge.log" 2>&1 &
pids+=($!)
n=27082
for p in $peers; do
	port[$p]=$n
	"$peers_dir/start" "$p" "$n" 127.0.0.1:27081 "$work/$p" >/dev/null
	n=$((n + 1))
done
servers="streamedge $peers"
sleep 1
for size in 1KiB/bench-hit.m3u8 2MiB/bench-hit.ts; do
	for s in $servers; do
		u="http://127.0.0.1:${port[$s]}/synthetic/$size"
		for _ in 1 2 3; do curl -s -o /dev/null "$u"; done
		wrk -t2 -c64 -d2s "$u" >/dev/null
	done
done
for size in 1KiB/bench-hit.m3u8 2MiB/bench-hit.ts; do
	declare -A got=()
	for r in $(seq "$rounds"); do
		line="$size round $r:"
		for s in $servers; do
			u="http://127.0.0.1:${port[$s]}/synthetic/$size"
			rps=$(wrk -t2 -c64 -d"${secs}s" "$u" | awk '/Requests\/sec/ {print $2}')
			got[$s]="${got[$s]:-} $rps"
			line="$line $s $rps"
		done
		echo "$line"
	done
	med() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
	best=0 bestp=
	for p in $peers; do
		m=$(med "${got[$p]}")
		if awk -v a="$m" -v b="$best" 'BEGIN {exit !(a > b)}'; then best=$m bestp=$p; fi
	done
	se=$(med "${got[streamedge]}")
	awk -v s="$se" -v b="$best" -v p="$bestp" -v z="$size" \
		'BEGIN {printf "%s: streamedge median %.0f req/s, best peer %s %.0f: %.2fx\n", z, s, p, b, s / b}'
	unset got
done
