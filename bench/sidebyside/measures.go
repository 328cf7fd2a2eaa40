package main

import "fmt"

// measures are the table's rows, in order.
func measures(cfg config) []measure {
	wrkRow := func(name string, better, dec int, seg bool, f func(*wrkResult) float64) measure {
		get := func(h *hitsResult) (float64, bool) {
			if h == nil {
				return 0, false
			}
			w := h.Playlist
			if seg {
				w = h.Segment
			}
			if w == nil || (h.Error != "" && w.ReqPerSec == 0) {
				return 0, false
			}
			return f(w), true
		}
		return measure{name: name, better: better, decimals: dec,
			peer:    func(p *peerResult) (float64, bool) { return get(p.Hits) },
			ceiling: func(c *ceilingResult) (float64, bool) { return get(c.Hits) }}
	}
	herdRow := func(name string, dec int, hot bool, f func(*herdResult) float64) measure {
		get := func(h *herdResult) (float64, bool) {
			if h == nil || h.Report == nil {
				return 0, false
			}
			return f(h), true
		}
		m := measure{name: name, better: -1, decimals: dec,
			peer: func(p *peerResult) (float64, bool) { return get(p.Herd) }}
		if hot {
			m.ceiling = func(c *ceilingResult) (float64, bool) { return get(c.Herd) }
		}
		return m
	}
	herd := fmt.Sprintf("cold herd 2 MiB ×%d, origin %v:", cfg.HerdClients, cfg.HerdLatency)
	rows := []measure{
		wrkRow("1 KiB playlist hits: req/s ↑", 1, 0, false, func(w *wrkResult) float64 { return w.ReqPerSec }),
		wrkRow("1 KiB playlist hits: p99 ms ↓", -1, 1, false, func(w *wrkResult) float64 { return w.P99MS }),
		wrkRow("2 MiB segment hits: req/s ↑", 1, 0, true, func(w *wrkResult) float64 { return w.ReqPerSec }),
		wrkRow("2 MiB segment hits: p99 ms ↓", -1, 1, true, func(w *wrkResult) float64 { return w.P99MS }),
		{name: "hits: errors (1 KiB + 2 MiB) ↓", better: -1,
			peer:    func(p *peerResult) (float64, bool) { return hitErrors(p.Hits) },
			ceiling: func(c *ceilingResult) (float64, bool) { return hitErrors(c.Hits) }},
		herdRow(herd+" origin requests ↓", 0, false, func(h *herdResult) float64 { return float64(h.OriginRequests) }),
		herdRow("herd TTFB p50 ms ↓", 0, true, func(h *herdResult) float64 { return h.Report.TTFBMS.P50 }),
		herdRow("herd TTFB p99 ms ↓", 0, true, func(h *herdResult) float64 { return h.Report.TTFBMS.P99 }),
		herdRow("herd TTFB max ms ↓", 0, true, func(h *herdResult) float64 { return h.Report.TTFBMS.Max }),
		herdRow("herd total p50 ms ↓", 0, true, func(h *herdResult) float64 { return h.Report.TotalMS.P50 }),
		herdRow("herd total p99 ms ↓", 0, true, func(h *herdResult) float64 { return h.Report.TotalMS.P99 }),
		herdRow("herd total max ms ↓", 0, true, func(h *herdResult) float64 { return h.Report.TotalMS.Max }),
		herdRow("herd failed clients ↓", 0, true, func(h *herdResult) float64 { return float64(h.Report.Clients - h.Report.OK) }),
	}
	rows = append(rows, liveRows(cfg, "max-age=1", false)...)
	return append(rows, liveRows(cfg, "max-age=3600", true)...)
}

// hitErrors sums both objects' non-2xx responses and socket errors.
func hitErrors(h *hitsResult) (float64, bool) {
	if h == nil || h.Playlist == nil || h.Segment == nil {
		return 0, false
	}
	return float64(h.Playlist.errorsTotal() + h.Segment.errorsTotal()), true
}

// liveRows are phase (c) (max-age=1) or (d) (max-age=3600). With an hour
// of max-age, fewer playlist fetches are no merit (players starve), so
// that row gets no verdict.
func liveRows(cfg config, label string, long bool) []measure {
	short := "live " + label + ":"
	first := fmt.Sprintf("live %d players × %ds, playlists %s:", cfg.FanoutPlayers, cfg.FanoutSeconds, label)
	row := func(name string, better, dec int, f func(*fanoutResult) float64) measure {
		return measure{name: name, better: better, decimals: dec, peer: func(p *peerResult) (float64, bool) {
			r := p.Live
			if long {
				r = p.LiveLong
			}
			if r == nil || r.Player == nil {
				return 0, false
			}
			return f(r), true
		}}
	}
	playlistBetter, arrow := -1, " ↓"
	if long {
		playlistBetter, arrow = 0, ""
	}
	return []measure{
		row(first+" origin media-playlist req/s"+arrow, playlistBetter, 2,
			func(r *fanoutResult) float64 { return r.PlaylistRPS }),
		row(short+" origin requests per segment ↓", -1, 2, func(r *fanoutResult) float64 { return r.PerSegment }),
		row(short+" origin requests ÷ player requests"+arrow, playlistBetter, 4, func(r *fanoutResult) float64 { return r.Offload }),
		row(short+" stalls ↓", -1, 0, func(r *fanoutResult) float64 { return float64(r.Player.Stalls) }),
		row(short+" stall ratio ↓", -1, 4, func(r *fanoutResult) float64 { return r.Player.StallRatio }),
		row(short+" player errors ↓", -1, 0, func(r *fanoutResult) float64 { return float64(r.Player.Errors) }),
		row(short+" stale playlists seen by players ↓", -1, 0,
			func(r *fanoutResult) float64 { return float64(r.Player.StalePlaylists) }),
		row(short+" segment latency p99 ms ↓", -1, 0, func(r *fanoutResult) float64 { return r.Player.SegmentP99MS }),
	}
}
