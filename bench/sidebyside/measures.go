package main

import (
	"fmt"
	"strings"
)

// measures are the table's rows, in order. Keys name the rows the targets
// (targets.go) read.
func measures(cfg config) []measure {
	rows := []measure{
		wrkRow("hit1k.rps", "1 KiB playlist hits: req/s ↑", 1, 0, plainHits, false, func(w *wrkResult) float64 { return w.ReqPerSec }),
		wrkRow("hit1k.p99", "1 KiB playlist hits: p99 ms ↓", -1, 1, plainHits, false, func(w *wrkResult) float64 { return w.P99MS }),
		wrkRow("hit2m.rps", "2 MiB segment hits: req/s ↑", 1, 0, plainHits, true, func(w *wrkResult) float64 { return w.ReqPerSec }),
		wrkRow("hit2m.p99", "2 MiB segment hits: p99 ms ↓", -1, 1, plainHits, true, func(w *wrkResult) float64 { return w.P99MS }),
		errorsRow("hits.errors", "hits: errors (1 KiB + 2 MiB) ↓", plainHits),
	}
	rows = append(rows, httpsRows()...)
	herd := fmt.Sprintf("cold herd 2 MiB ×%d, origin %v:", cfg.HerdClients, cfg.HerdLatency)
	rows = append(rows,
		herdRow("herd.origin", herd+" origin requests ↓", -1, false, func(h *herdResult) float64 { return float64(h.OriginRequests) }),
		herdRow("herd.body.p50", "herd first body byte p50 ms ↓", -1, true, func(h *herdResult) float64 { return h.Report.FirstBodyMS.P50 }),
		herdRow("herd.body.p99", "herd first body byte p99 ms ↓", -1, true, func(h *herdResult) float64 { return h.Report.FirstBodyMS.P99 }),
		herdRow("herd.body.max", "herd first body byte max ms ↓", -1, true, func(h *herdResult) float64 { return h.Report.FirstBodyMS.Max }),
		herdRow("herd.total.p50", "herd last byte (total) p50 ms ↓", -1, true, func(h *herdResult) float64 { return h.Report.TotalMS.P50 }),
		herdRow("herd.total.p99", "herd last byte (total) p99 ms ↓", -1, true, func(h *herdResult) float64 { return h.Report.TotalMS.P99 }),
		herdRow("herd.total.max", "herd last byte (total) max ms ↓", -1, true, func(h *herdResult) float64 { return h.Report.TotalMS.Max }),
		herdRow("herd.header.p99", "herd headers p99 ms (reference, not a result)", 0, true, func(h *herdResult) float64 { return h.Report.HeaderMS.P99 }),
		herdRow("herd.failed", "herd failed clients ↓", -1, true, func(h *herdResult) float64 { return float64(h.Report.Clients - h.Report.OK) }),
		herdRow("herd.bodies", "herd distinct bodies (1 = identical) ↓", -1, true, func(h *herdResult) float64 { return float64(h.Report.DistinctBodies) }),
	)
	rows = append(rows, liveRows(cfg, "max-age=1", false)...)
	rows = append(rows, liveRows(cfg, "max-age=3600", true)...)
	return append(rows, memRows(cfg)...)
}

// hitsOf picks a hit phase of a peer or a ceiling (plain, HTTPS/1.1, HTTP/2).
type hitsOf struct {
	peer    func(*peerResult) *hitsResult
	ceiling func(*ceilingResult) *hitsResult
	na      func(*httpsResult) string // cell when there is no figure; nil: "err"
}

var plainHits = hitsOf{
	peer:    func(p *peerResult) *hitsResult { return p.Hits },
	ceiling: func(c *ceilingResult) *hitsResult { return c.Hits },
}

func wrkRow(key, name string, better, dec int, of hitsOf, seg bool, f func(*wrkResult) float64) measure {
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
	return measure{key: key, name: name, better: better, decimals: dec,
		peer:    func(p *peerResult) (float64, bool) { return get(of.peer(p)) },
		ceiling: func(c *ceilingResult) (float64, bool) { return get(of.ceiling(c)) },
		peerNA:  naCell(of, func(p *peerResult) *httpsResult { return p.HTTPS }, func(p *peerResult) *hitsResult { return of.peer(p) }),
		ceilingNA: naCell(of, func(c *ceilingResult) *httpsResult { return c.HTTPS },
			func(c *ceilingResult) *hitsResult { return of.ceiling(c) })}
}

// naCell says why an HTTPS cell is empty: "—" not measured for this
// server, "skip" (see the JSON), "no h2", else "err".
func naCell[T any](of hitsOf, https func(T) *httpsResult, hits func(T) *hitsResult) func(T) string {
	if of.na == nil {
		return nil
	}
	return func(x T) string {
		h := https(x)
		if h == nil {
			return "—"
		}
		if c := of.na(h); c != "" {
			return c
		}
		if r := hits(x); r != nil && strings.Contains(r.Error, errNoH2.Error()) {
			return "no h2"
		}
		return "err"
	}
}

func errorsRow(key, name string, of hitsOf) measure {
	return measure{key: key, name: name, better: -1,
		peer:      func(p *peerResult) (float64, bool) { return hitErrors(of.peer(p)) },
		ceiling:   func(c *ceilingResult) (float64, bool) { return hitErrors(of.ceiling(c)) },
		peerNA:    naCell(of, func(p *peerResult) *httpsResult { return p.HTTPS }, of.peer),
		ceilingNA: naCell(of, func(c *ceilingResult) *httpsResult { return c.HTTPS }, of.ceiling)}
}

// httpsRows are phase (e): nginx with TLS, streamedge -tls-listen and the
// ceilings on the same certificate; other peers are "—".
func httpsRows() []measure {
	proto := func(h2 bool) hitsOf {
		pick := func(h *httpsResult) *hitsResult {
			if h == nil {
				return nil
			}
			if h2 {
				return h.H2
			}
			return h.H1
		}
		return hitsOf{
			peer:    func(p *peerResult) *hitsResult { return pick(p.HTTPS) },
			ceiling: func(c *ceilingResult) *hitsResult { return pick(c.HTTPS) },
			na: func(h *httpsResult) string {
				switch {
				case h.Skipped != "":
					return "skip"
				case pick(h) == nil:
					return "—"
				}
				return ""
			},
		}
	}
	h1, h2 := proto(false), proto(true)
	rps := func(w *wrkResult) float64 { return w.ReqPerSec }
	return []measure{
		wrkRow("https1.hit1k.rps", "HTTPS/1.1 1 KiB hits: req/s ↑", 1, 0, h1, false, rps),
		wrkRow("https1.hit2m.rps", "HTTPS/1.1 2 MiB hits: req/s ↑", 1, 0, h1, true, rps),
		wrkRow("h2.hit1k.rps", "HTTP/2 (TLS) 1 KiB hits: req/s ↑", 1, 0, h2, false, rps),
		wrkRow("h2.hit2m.rps", "HTTP/2 (TLS) 2 MiB hits: req/s ↑", 1, 0, h2, true, rps),
		errorsRow("https.errors.h1", "HTTPS/1.1 hits: errors ↓", h1),
		errorsRow("https.errors.h2", "HTTP/2 hits: errors ↓", h2),
	}
}

func herdRow(key, name string, better int, hot bool, f func(*herdResult) float64) measure {
	get := func(h *herdResult) (float64, bool) {
		if h == nil || h.Report == nil {
			return 0, false
		}
		return f(h), true
	}
	m := measure{key: key, name: name, better: better,
		peer: func(p *peerResult) (float64, bool) { return get(p.Herd) }}
	if hot {
		m.ceiling = func(c *ceilingResult) (float64, bool) { return get(c.Herd) }
	}
	return m
}

// hitErrors sums both objects' non-2xx responses and socket errors.
func hitErrors(h *hitsResult) (float64, bool) {
	if h == nil || h.Playlist == nil || h.Segment == nil {
		return 0, false
	}
	return float64(h.Playlist.errorsTotal() + h.Segment.errorsTotal()), true
}

// memRows: each cache's highest peak RSS over its phases, and that ÷ the
// cache bound every cache was given (target for streamedge: ≤ 1.25).
// Peers' memory is not comparable (nginx and ATS keep objects in files and
// the page cache), so no verdict.
func memRows(cfg config) []measure {
	peak := func(p *peerResult) (*memSample, bool) {
		var s []*memSample
		for _, x := range []interface{ mem() *memSample }{p.Hits, p.HTTPS, p.Herd, p.Live, p.LiveLong} {
			s = append(s, x.mem())
		}
		m := peakMem(s...)
		return m, m != nil
	}
	return []measure{
		{key: "mem.peak", name: fmt.Sprintf("peak RSS MiB, any phase (cache bound %d MiB)", cfg.CacheMB),
			peer: func(p *peerResult) (float64, bool) { m, ok := peak(p); return m.peakOr0(), ok }},
		{key: "mem.ratio", name: "peak RSS ÷ cache bound (streamedge target ≤ 1.25)", decimals: 2,
			peer: func(p *peerResult) (float64, bool) {
				m, ok := peak(p)
				return m.peakOr0() / float64(cfg.CacheMB), ok
			}},
	}
}

func (m *memSample) peakOr0() float64 {
	if m == nil {
		return 0
	}
	return m.PeakMiB
}

// mem lets memRows read every phase's sample, nil-safe.
func (h *hitsResult) mem() *memSample {
	if h == nil {
		return nil
	}
	return h.Memory
}
func (h *httpsResult) mem() *memSample {
	if h == nil {
		return nil
	}
	return h.Memory
}
func (h *herdResult) mem() *memSample {
	if h == nil {
		return nil
	}
	return h.Memory
}
func (f *fanoutResult) mem() *memSample {
	if f == nil {
		return nil
	}
	return f.Memory
}

// liveRows are phase (c) (max-age=1) or (d) (max-age=3600). With an hour
// of max-age, fewer playlist fetches are no merit (players starve), so
// that row gets no verdict.
func liveRows(cfg config, label string, long bool) []measure {
	short := "live " + label + ":"
	first := fmt.Sprintf("live %d players × %ds, playlists %s:", cfg.FanoutPlayers, cfg.FanoutSeconds, label)
	tag := map[bool]string{false: "live1.", true: "live3600."}[long]
	row := func(key, name string, better, dec int, f func(*fanoutResult) float64) measure {
		return measure{key: tag + key, name: name, better: better, decimals: dec, peer: func(p *peerResult) (float64, bool) {
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
		row("playlist_rps", first+" origin media-playlist req/s"+arrow, playlistBetter, 2,
			func(r *fanoutResult) float64 { return r.PlaylistRPS }),
		row("per_segment", short+" origin requests per segment ↓", -1, 2, func(r *fanoutResult) float64 { return r.PerSegment }),
		row("offload", short+" origin requests ÷ player requests"+arrow, playlistBetter, 4, func(r *fanoutResult) float64 { return r.Offload }),
		row("stalls", short+" stalls ↓", -1, 0, func(r *fanoutResult) float64 { return float64(r.Player.Stalls) }),
		row("stall_ratio", short+" stall ratio ↓", -1, 4, func(r *fanoutResult) float64 { return r.Player.StallRatio }),
		row("errors", short+" player errors ↓", -1, 0, func(r *fanoutResult) float64 { return float64(r.Player.Errors) }),
		row("stale", short+" stale playlists seen by players ↓", -1, 0,
			func(r *fanoutResult) float64 { return float64(r.Player.StalePlaylists) }),
		row("segment_p99", short+" segment latency p99 ms ↓", -1, 0, func(r *fanoutResult) float64 { return r.Player.SegmentP99MS }),
	}
}
