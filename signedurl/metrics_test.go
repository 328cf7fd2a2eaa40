package signedurl

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMetricsCountEveryResultAndRegister(t *testing.T) {
	v := newTestVerifier(t, time.Unix(100, 0))
	reg := prometheus.NewRegistry()
	if err := reg.Register(v.metrics); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "Expires=1&Signature=AAAA&Key-Pair-Id=KNOPE", "Expires=1&Signature=AAAA&Key-Pair-Id=" + keyA} {
		_, _ = v.Verify(Request{Scheme: "https", Host: "h", Path: "/a", RawQuery: q})
	}
	for reason, want := range map[Reason]float64{ReasonMissing: 1, ReasonUnknownKey: 1, ReasonBadSignature: 1, ReasonOK: 0} {
		if got := testutil.ToFloat64(v.metrics.results.WithLabelValues(string(reason))); got != want {
			t.Errorf("streamedge_signed_url_verifications_total{result=%q} = %v, want %v", reason, got, want)
		}
	}
}

func TestRequestFromHTTPKeepsTheTargetAsSent(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/a%2Fb/c.ts?x=%41&Expires=1", nil)
	r.Host = "edge.example"
	r.Header.Add("Cookie", "a=1")
	got := RequestFromHTTP(r, "https", netip.MustParseAddr("::ffff:192.0.2.1"))
	if got.Path != "/a%2Fb/c.ts" || got.RawQuery != "x=%41&Expires=1" || got.Host != "edge.example" || len(got.Cookies) != 1 {
		t.Fatalf("%+v", got)
	}
	abs := httptest.NewRequest(http.MethodGet, "http://other.example/p?q=1", nil)
	if got := RequestFromHTTP(abs, "http", netip.Addr{}); got.Path != "/p" || got.RawQuery != "q=1" {
		t.Fatalf("absolute-form target: %+v", got)
	}
}
