// Package resilience holds streamedge's black-box fault-injection and load
// tests. It has no library code: TestMain builds the real binaries once
// (bin streamedge from ./cmd/streamedge, player-test from ./player-test,
// found from the module root that `go env GOMOD` names) and every test runs
// them as processes on loopback ports, the way an operator would:
//
//	player-test origin -listen 127.0.0.1:P [fault flags]
//	streamedge serve -origin http://127.0.0.1:P -listen 127.0.0.1:Q -admin 127.0.0.1:R ...
//
// The tests talk to the edge over HTTP only and to the origin over HTTP and
// its /_stats counters; a fault is switched on or off by restarting the
// origin process on the same port with other flags. Every process is killed
// in t.Cleanup.
//
// # Fault-injection suite
//
// `go test -race -count=1 -run Fault ./resilience/` (make test-faults) runs
// one test per origin fault: timeouts (504, or the stale copy within
// -stale-if-error), bodies cut short of their Content-Length (a broken
// transfer, never a short 200, never cached), garbage manifests (502, or the
// stale copy), 5xx storms (stale within the window, then the 5xx passed on
// uncached), an origin slower than the client's patience (the fill outlives
// the client and the next one hits) and an origin process that flaps while
// simulated players watch a live stream (the edge keeps answering). Each
// test also checks that the edge serves normally once the origin is healthy
// again.
//
// # Load
//
// TestLoad10k opens LOAD_CONNS concurrent keep-alive TCP connections
// (default 2000) to the edge for LOAD_SECONDS (default 5), each fetching a
// mix of cache hits and misses with raw HTTP/1.1, and checks that every
// response is complete and that the edge's goroutines and memory come back
// down afterwards. `LOAD_CONNS=10000 LOAD_SECONDS=30` is the full version
// (make bench).
package resilience
