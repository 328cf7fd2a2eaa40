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
