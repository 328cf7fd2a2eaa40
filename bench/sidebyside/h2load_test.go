package main

import (
	"errors"
	"testing"
)

const h2loadSample = `starting benchmark...
spawning thread #0: 4 total client(s). Timing-based test with 0s of warm-up time and 1s of main duration for measurements.
TLS Protocol: TLSv1.3
Cipher: TLS_AES_128_GCM_SHA256
Server Temp Key: X25519 253 bits
Application protocol: h2

finished in 1.00s, 34992.00 req/s, 34.91MB/s
requests: 34992 total, 34996 started, 34992 done, 34990 succeeded, 2 failed, 1 errored, 3 timeout
status codes: 34990 2xx, 0 3xx, 4 4xx, 5 5xx
traffic: 34.91MB (36602164) total, 136.97KB (140256) headers (space savings 96.07%), 34.17MB (35831808) data
                     min         max         mean         sd        +/- sd
time for request:       20us      4.70ms        99us       111us    97.56%
time for connect:     1.72ms      2.80ms      2.26ms       457us    50.00%
`

func TestParseH2load(t *testing.T) {
	r, err := parseH2load(h2loadSample)
	if err != nil {
		t.Fatal(err)
	}
	if r.ReqPerSec != 34992 || r.Requests != 34992 || r.Transfer != "34.91MB/s" {
		t.Errorf("throughput: %+v", r)
	}
	if r.Non2xx != 9 || r.SocketErrors["failed"] != 2 || r.SocketErrors["timeout"] != 3 || r.errorsTotal() != 15 {
		t.Errorf("errors: non-2xx %d, %v", r.Non2xx, r.SocketErrors)
	}
	if r.LatencyMaxMS != 4.7 || r.LatencyAvgMS != 0.099 {
		t.Errorf("latency: max %v avg %v", r.LatencyMaxMS, r.LatencyAvgMS)
	}
}

// TestParseH2loadWithoutH2IsAnError: h2load silently falls back to
// HTTP/1.1 when the server offers no h2; that is not an HTTP/2 figure.
func TestParseH2loadWithoutH2IsAnError(t *testing.T) {
	fallback := "No protocol negotiated. Fallback behaviour may be activated\nApplication protocol: http/1.1\n" +
		"finished in 1.00s, 19658.00 req/s, 21.82MB/s\n"
	if _, err := parseH2load(fallback); !errors.Is(err, errNoH2) {
		t.Fatalf("err = %v, want errNoH2", err)
	}
}
