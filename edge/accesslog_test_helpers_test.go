package edge

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// logEdge is a real edge (on the subtest's front end) writing its access
// log in format to log, with its own metrics registry.
type logEdge struct {
	*testEdge
	log *syncBuffer
	reg *prometheus.Registry
}

func newLogEdge(t *testing.T, originURL, format string) *logEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	log, reg := &syncBuffer{}, prometheus.NewRegistry()
	h, err := New(Config{
		Store: segments.New(segments.Config{MaxBytes: 128 << 20, HotBytes: 8 << 20}), Origin: oc,
		Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(), Registry: reg,
		AccessLog: log, AccessLogFormat: format, EdgeLocation: "TST1-C1",
	})
	if err != nil {
		t.Fatal(err)
	}
	u2, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	e := &testEdge{URL: u2, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}, close: closeSrv}
	return &logEdge{testEdge: e, log: log, reg: reg}
}

// lines waits for n log lines that are not W3C directives (each line is
// written once its response went out, so after the client has it).
func (e *logEdge) lines(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		out = out[:0]
		for _, l := range strings.Split(e.log.String(), "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		if len(out) >= n {
			return out
		}
	}
	t.Fatalf("access log has %d lines, want %d:\n%s", len(out), n, e.log.String())
	return nil
}

// gathered is the value of the series name{labels...} on reg (pairs of
// label name and value); -1 when there is none.
func gathered(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					found = found || lp.GetName() == labels[i] && lp.GetValue() == labels[i+1]
				}
				if !found {
					continue next
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
