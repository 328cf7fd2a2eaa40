package invalidation

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMetricsRegisterAndCount(t *testing.T) {
	m := NewMetrics()
	reg := prometheus.NewRegistry()
	if err := reg.Register(m); err != nil {
		t.Fatal(err)
	}
	s := NewSet(Limits{}, m)
	_ = s.Add([]string{"/a", "/b/*"}, t0)
	s.Invalidated("/b/c", t0.Add(-1))
	s.Invalidated("/c", t0.Add(-1))
	if got := testutil.ToFloat64(m.records); got != 2 {
		t.Errorf("streamedge_invalidation_records = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.hits); got != 1 {
		t.Errorf("streamedge_invalidation_hits_total = %v, want 1", got)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n < 5 {
		t.Errorf("gathered %d series: %v", n, err)
	}
}
