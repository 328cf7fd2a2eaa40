package sim

import "time"

// Report is the aggregated result of a run. Times are milliseconds or
// seconds as the field names say.
type Report struct {
	Players          int              `json:"players"`
	Launched         int64            `json:"players_launched"`
	PlayersStarted   int64            `json:"players_started_playback"`
	ElapsedS         float64          `json:"elapsed_s"`
	StartupP50MS     float64          `json:"startup_p50_ms"`
	StartupP99MS     float64          `json:"startup_p99_ms"`
	Stalls           int64            `json:"stalls"`
	StallTimeS       float64          `json:"stall_time_s"`
	PlayTimeS        float64          `json:"play_time_s"`
	StallRatio       float64          `json:"stall_ratio"`
	Errors           int64            `json:"errors"`
	ErrorsByKind     map[string]int64 `json:"errors_by_kind"`
	SegmentTTFBP50MS float64          `json:"segment_ttfb_p50_ms"`
	SegmentTTFBP99MS float64          `json:"segment_ttfb_p99_ms"`
	SegmentP50MS     float64          `json:"segment_latency_p50_ms"`
	SegmentP99MS     float64          `json:"segment_latency_p99_ms"`
	Segments         int64            `json:"segments"`
	Bytes            int64            `json:"bytes"`
	Requests         int64            `json:"requests"`
	RequestsByKind   map[string]int64 `json:"requests_by_kind"`
	ReqPerSec        float64          `json:"req_per_s"`
	Switches         int64            `json:"rendition_switches"`
	StalePlaylists   int64            `json:"stale_playlists"`
	// LL-HLS mode: parts played and latency to the live edge (the end of
	// the newest listed part minus the playhead, sampled at every reload).
	LLParts            int64   `json:"ll_parts,omitempty"`
	LiveLatencyP50MS   float64 `json:"live_latency_p50_ms,omitempty"`
	LiveLatencyP99MS   float64 `json:"live_latency_p99_ms,omitempty"`
	LiveLatencySamples int64   `json:"live_latency_samples,omitempty"`
	// Holders: responses carrying the test origin's X-Part-Available-At
	// whose request was sent before that time; from the availability to
	// the first body byte and to the last byte. Parts (and segments), and
	// blocking playlist reloads apart.
	HeldParts     *HeldReport `json:"held_parts,omitempty"`
	HeldPlaylists *HeldReport `json:"held_playlists,omitempty"`
	// FirstRequest: per media object class (segment, part, init), how
	// many objects the players requested and how many of them had a cache
	// hit (X-Cache / X-Cache-Status) on the earliest-sent request.
	FirstRequest map[string]FirstHits `json:"first_request,omitempty"`
}

// HeldReport sums heldTimes, in milliseconds.
type HeldReport struct {
	Count      int64   `json:"count"`
	FirstP50MS float64 `json:"first_body_byte_p50_ms"`
	FirstP99MS float64 `json:"first_body_byte_p99_ms"`
	FirstMaxMS float64 `json:"first_body_byte_max_ms"`
	LastP50MS  float64 `json:"last_byte_p50_ms"`
	LastP99MS  float64 `json:"last_byte_p99_ms"`
	LastMaxMS  float64 `json:"last_byte_max_ms"`
}

func (h *heldTimes) report() *HeldReport {
	if h.first.Count() == 0 {
		return nil
	}
	return &HeldReport{Count: h.first.Count(),
		FirstP50MS: ms(h.first.Quantile(0.5)), FirstP99MS: ms(h.first.Quantile(0.99)), FirstMaxMS: ms(h.first.Max()),
		LastP50MS: ms(h.last.Quantile(0.5)), LastP99MS: ms(h.last.Quantile(0.99)), LastMaxMS: ms(h.last.Max())}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Report builds the report for a run of players that lasted elapsed.
func (m *Metrics) Report(elapsed time.Duration, players int) Report {
	s := m.Snapshot()
	r := Report{
		Players: players, Launched: s.Launched, PlayersStarted: s.Playing,
		ElapsedS:     elapsed.Seconds(),
		StartupP50MS: ms(m.startup.Quantile(0.5)), StartupP99MS: ms(m.startup.Quantile(0.99)),
		Stalls:     s.Stalls,
		StallTimeS: float64(m.stallUS.Load()) / 1e6, PlayTimeS: float64(m.playUS.Load()) / 1e6,
		Errors: s.Errors, ErrorsByKind: map[string]int64{},
		SegmentTTFBP50MS: ms(m.segTTFB.Quantile(0.5)), SegmentTTFBP99MS: ms(m.segTTFB.Quantile(0.99)),
		SegmentP50MS: ms(m.segTotal.Quantile(0.5)), SegmentP99MS: ms(m.segTotal.Quantile(0.99)),
		Segments: m.segments.Load(), Bytes: s.Bytes,
		Requests: s.Requests, RequestsByKind: map[string]int64{},
		Switches: m.switches.Load(), StalePlaylists: m.stalePlaylists.Load(),
		LLParts:          m.parts.Load(),
		LiveLatencyP50MS: ms(m.liveLatency.Quantile(0.5)), LiveLatencyP99MS: ms(m.liveLatency.Quantile(0.99)),
		LiveLatencySamples: m.liveLatency.Count(),
	}
	r.HeldParts, r.HeldPlaylists = m.heldParts.report(), m.heldPlaylists.report()
	if fr := m.firsts.classes(); len(fr) > 0 {
		r.FirstRequest = fr
	}
	if r.PlayTimeS > 0 {
		r.StallRatio = r.StallTimeS / r.PlayTimeS
	}
	if elapsed > 0 {
		r.ReqPerSec = float64(r.Requests) / elapsed.Seconds()
	}
	for k := range numErrKinds {
		r.ErrorsByKind[k.String()] = m.errors[k].Load()
	}
	for k := range numReqKinds {
		r.RequestsByKind[k.String()] = m.requests[k].Load()
	}
	return r
}
