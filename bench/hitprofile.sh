#!/usr/bin/env bash
# A/B of the 1 KiB hit path (BENCHMARKS.md, "1 KiB hits"): the test origin,
# one `streamedge serve` binary in front of it, wrk -t2 -c64 on a warmed
# 1 KiB playlist hit, and optionally a CPU profile of the edge meanwhile.
#   bench/hitprofile.sh BIN [PROFILE|-] [SECONDS]
# Run it for two binaries alternately (e.g. a build of an older commit and
# of HEAD) and compare the req/s of the same round only. It also prints the
# edge's CPU time per request (user + system, from /proc): less noisy than
# req/s on a shared machine, since it does not depend on wrk's share of it.
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
cpu() { awk '{print $14 + $15}' "/proc/$e/stat"; }
c0=$(cpu)
out_wrk=$(wrk -t2 -c64 -d"${secs}s" "$u")
c1=$(cpu)
reqs=$(awk '/requests in/ {print $1}' <<<"$out_wrk")
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out_wrk")
awk -v r="$reqs" -v a="$c0" -v b="$c1" -v t="$(getconf CLK_TCK)" -v rps="$rps" \
	'BEGIN {printf "Requests/sec: %s  edge CPU per request: %.2f us\n", rps, (b - a) / t / r * 1e6}'
if [ "$out" != - ]; then wait "$c"; fi
