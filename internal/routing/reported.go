package routing

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MaxReportedLatency bounds a viewer's report (ms).
const MaxReportedLatency = 60_000

// viewerRTT is the latency viewers report, an EWMA per (region, POP): at
// most regions × POPs entries, both bounded by the configuration.
type viewerRTT struct {
	mu  sync.Mutex
	rtt map[int][]time.Duration // region → POP index → EWMA (0: none)
	gen uint64                  // incremented when a region's order by them changes
}

// Report is one viewer-side latency measurement.
type Report struct {
	POP     string
	Latency time.Duration
	Client  netip.Addr // an address of the viewer's subnet
}

var errBadReport = errors.New("bad latency report")

// ParseReport reads pop, ms (integer, 0 to MaxReportedLatency) and subnet
// (a prefix or an address; default: from, the connection's address).
func ParseReport(q map[string][]string, from netip.Addr) (Report, error) {
	get := func(k string) string {
		if v := q[k]; len(v) == 1 {
			return v[0]
		}
		return ""
	}
	r := Report{POP: get("pop"), Client: from}
	ms, err := strconv.Atoi(get("ms"))
	if err != nil || ms < 0 || ms > MaxReportedLatency {
		return r, fmt.Errorf("%w: ms %q: want one integer 0-%d", errBadReport, get("ms"), MaxReportedLatency)
	}
	r.Latency = time.Duration(ms) * time.Millisecond
	if s := get("subnet"); s != "" {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return r, fmt.Errorf("%w: subnet %q: want a prefix or an address", errBadReport, s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		r.Client = p.Masked().Addr()
	}
	if r.POP == "" || !r.Client.IsValid() {
		return r, fmt.Errorf("%w: want pop, ms and subnet", errBadReport)
	}
	return r, nil
}

// ReportLatency folds a viewer's report into its region's EWMA for the
// POP (weight rttWeight).
func (r *Router) ReportLatency(rep Report) error {
	i, ok := r.t.index[rep.POP]
	if !ok {
		return fmt.Errorf("%w: unknown pop %q", errBadReport, rep.POP)
	}
	region := r.t.region(rep.Client)
	v := &r.viewers
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.rtt == nil {
		v.rtt = map[int][]time.Duration{}
	}
	vals, ok := v.rtt[region]
	if !ok {
		vals = make([]time.Duration, len(r.t.pops))
		v.rtt[region] = vals
	}
	before := reportedOrder(vals)
	d := max(rep.Latency, time.Microsecond)
	if vals[i] == 0 {
		vals[i] = d
	} else {
		vals[i] += time.Duration(rttWeight * float64(d-vals[i]))
	}
	if !slices.Equal(before, reportedOrder(vals)) {
		v.gen++
	}
	return nil
}

func reportedOrder(vals []time.Duration) []int {
	var idx []int
	for i, d := range vals {
		if d > 0 {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(vals[a], vals[b]) })
	return idx
}

// reported is the region's viewer EWMAs (a copy, nil for none) and the
// generation.
func (v *viewerRTT) reported(region int) (uint64, []time.Duration) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.gen, slices.Clone(v.rtt[region])
}

// LatencyHandler serves POST /latency?pop=X&ms=N[&subnet=P]: a viewer's
// measured latency to a POP (for the admin listener: a viewer-facing one
// would let anyone steer the answers). 204, or 400 with the reason.
func (r *Router) LatencyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "POST", http.StatusMethodNotAllowed)
			return
		}
		from, _ := netip.ParseAddrPort(req.RemoteAddr)
		rep, err := ParseReport(req.URL.Query(), from.Addr().Unmap())
		if err == nil {
			err = r.ReportLatency(rep)
		}
		if err != nil {
			r.m.reported(false)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.m.reported(true)
		w.WriteHeader(http.StatusNoContent)
	})
}
