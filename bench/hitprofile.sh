#!/usr/bin/env bash
# A/B of the 1 KiB hit path (BENCHMARKS.md, "1 KiB hits"): the test origin,
# one `streamedge serve` binary in front of it, wrk -t2 -c64 on a warmed
# 1 KiB playlist hit, and optionally a CPU profile of the edge meanwhile.
#   bench/hitprofile.sh BIN [PROFILE|-] [SECONDS]
# Run it for two binaries alternately (e.g. a build of an older commit and
# of HEAD) and compare the req/s of the same round only.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$1 out=${2:--} secs=${3:-8}
[ -x "$root/bin/player-test" ] || (cd "$root" && go build -o bin/player-test ./player-test)
"$root/bin/player-test" origin -listen 127.0.0.1:28081 >/dev/null 2>&1 & o=$!
"$bin" serve -origin http://127.0.0.1:28081 -listen 127.0.0.1:28080 -admin 127.0.0.1:29090 -pprof on \
	-cache-size 1024MiB -access-log off -log-level warn >/dev/null 2>&1 & e=$!
trap 'kill $e $o 2>/dev/null; wait $e $o 2>/dev/null' EXIT
sleep 1
u=http://127.0.0.1:28080/synthetic/1KiB/bench-hit.m3u8
for _ in 1 2 3; do curl -s -o /dev/null "$u"; done
wrk -t2 -c64 -d2s "$u" >/dev/null
if [ "$out" != - ]; then curl -s -o "$out" "http://127.0.0.1:29090/debug/pprof/profile?seconds=$secs" & c=$!; fi
wrk -t2 -c64 -d"${secs}s" "$u" | grep Requests/sec
if [ "$out" != - ]; then wait "$c"; fi
