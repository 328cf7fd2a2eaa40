package main

import "testing"

const wrkSample = `Running 3s test @ http://127.0.0.1:21082/synthetic/1KiB/bench-hit.m3u8
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.79ms    3.26ms   1.02s    86.06%
    Req/Sec    16.03k     3.33k   21.34k    68.33%
  Latency Distribution
     50%  850.00us
     75%    4.11ms
     90%    7.26ms
     99%   13.91ms
  95892 requests in 3.02s, 104.89MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  31791.42
Transfer/sec:     34.78MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkSample)
	if err != nil {
		t.Fatal(err)
	}
	if r.ReqPerSec != 31791.42 || r.Requests != 95892 || r.Transfer != "34.78MB" {
		t.Errorf("throughput: %+v", r)
	}
	if r.LatencyAvgMS != 2.79 || r.LatencyMaxMS != 1020 || r.P50MS != 0.85 || r.P90MS != 7.26 || r.P99MS != 13.91 {
		t.Errorf("latency: avg %v max %v p50 %v p90 %v p99 %v", r.LatencyAvgMS, r.LatencyMaxMS, r.P50MS, r.P90MS, r.P99MS)
	}
	if r.Non2xx != 7 || r.SocketErrors["read"] != 2 || r.SocketErrors["timeout"] != 3 || r.errorsTotal() != 12 {
		t.Errorf("errors: %d %v", r.Non2xx, r.SocketErrors)
	}
	if _, err := parseWrk("unable to connect"); err == nil {
		t.Error("want an error without Requests/sec")
	}
}

func TestRatio(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	peers := []string{"nginx", "varnish", "streamedge"}
	up := measure{better: 1}
	down := measure{better: -1}
	cases := []struct {
		m    measure
		vals map[string]*float64
		want string
	}{
		{up, map[string]*float64{"nginx": f(100), "varnish": f(200), "streamedge": f(100)}, "0.50× worse (varnish)"},
		{down, map[string]*float64{"nginx": f(100), "varnish": f(200), "streamedge": f(50)}, "0.50× better (nginx)"},
		{down, map[string]*float64{"nginx": f(100), "varnish": nil, "streamedge": f(102)}, "1.02× ≈ (nginx)"},
		{down, map[string]*float64{"nginx": f(0), "varnish": f(3), "streamedge": f(0)}, "= (nginx 0)"},
		{down, map[string]*float64{"nginx": f(0), "streamedge": f(2)}, "worse (nginx 0)"},
		{up, map[string]*float64{"nginx": f(1)}, "—"},
		{measure{}, map[string]*float64{"nginx": f(1), "streamedge": f(1)}, "—"},
	}
	for _, c := range cases {
		if got := ratio(c.m, c.vals, peers); got != c.want {
			t.Errorf("ratio(%d, …) = %q, want %q", c.m.better, got, c.want)
		}
	}
}
