package edge

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Every error the edge answers itself goes through package failure: one
// status, one-line body and label per kind, the label in the metric and in
// the access log's "error" field.
func TestErrorsGoThroughOneFunnel(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	u, _ := url.Parse(dead.URL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer oc.Close()
	log := &syncBuf{}
	h, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 32 << 20}), Origin: oc,
		Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(), Registry: prometheus.NewRegistry(), AccessLog: log})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, target string
		status               int
		body, label          string
	}{
		{"malformed_target_is_400", "GET", "/a/..%2fb.ts", 400, "400 bad request: malformed request-target", "bad_target"},
		{"too_many_params_is_414", "GET", "/a.ts?" + strings.Repeat("x=1&", 70), 414, "414 request-target too long", "uri"},
		{"unreachable_fill_is_502", "GET", "/seg.ts", 502, "502 origin unreachable", "unreachable"},
		{"unreachable_pass_is_502", "POST", "/api", 502, "502 origin unreachable", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			if rec.Code != tc.status || rec.Body.String() != tc.body+"\n" || rec.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
			}
			if tc.label != "" && counterValue(h.metrics.errorResponses.WithLabelValues(tc.label)) != 1 {
				t.Fatalf("streamedge_error_responses_total{reason=%q} not counted", tc.label)
			}
		})
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	var rec accessRecord
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec.Error != "bad_target" {
		t.Fatalf("access log: %v %+v", err, rec)
	}
}
