package distribution

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/origin"
)

// Metrics count fetches per named origin (and group failovers); they are
// registered once and outlive reloads.
type Metrics struct {
	fetches  *prometheus.CounterVec
	duration *prometheus.HistogramVec
	group    *origin.GroupMetrics
}

// NewMetrics registers the per-origin metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	g, err := origin.NewGroupMetrics(reg)
	if err != nil {
		return nil, err
	}
	m := &Metrics{group: g,
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_origin_fetches_by_origin_total",
			Help: "Fills sent to each configured origin or origin group, by status (\"error\": no response)."}, []string{"origin", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "streamedge_origin_fetch_seconds_by_origin",
			Help: "Time to each configured origin's response headers.", Buckets: prometheus.DefBuckets}, []string{"origin"}),
	}
	for _, c := range []prometheus.Collector{m.fetches, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) groups() *origin.GroupMetrics {
	if m == nil {
		return nil
	}
	return m.group
}

// measure wraps an origin so its fetches are counted under name.
func (m *Metrics) measure(name string, o edge.Origin) *measured {
	c, _ := o.(*origin.Client)
	return &measured{Origin: o, name: name, m: m, client: c}
}

// measured is an origin whose fetches are counted.
type measured struct {
	edge.Origin
	name   string
	m      *Metrics
	client *origin.Client // nil for a group
}

func (o *measured) Fetch(ctx context.Context, fr origin.FillRequest) (*http.Response, error) {
	t0 := time.Now()
	resp, err := o.Origin.Fetch(ctx, fr)
	if o.m != nil {
		code := "error"
		if resp != nil {
			code = strconv.Itoa(resp.StatusCode)
		}
		o.m.fetches.WithLabelValues(o.name, code).Inc()
		o.m.duration.WithLabelValues(o.name).Observe(time.Since(t0).Seconds())
	}
	return resp, err
}

func (o *measured) PassThrough(log *slog.Logger, onError func(*http.Request, error)) http.Handler {
	return o.Origin.PassThrough(log, onError)
}
