package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

// mark is the state at a phase boundary: the origin's per-path request
// counts and the players' counters.
type mark struct {
	at      time.Time
	origin  testorigin.Stats
	players sim.Snapshot
	retries int64 // client-side failovers so far
}

// phase is what happened between two marks.
type phase struct {
	Name        string  `json:"name"`
	Seconds     float64 `json:"seconds"`
	SegObjects  int     `json:"origin_segment_objects"`  // distinct segments the origin served in the phase
	SegRequests int64   `json:"origin_segment_requests"` // origin requests for them
	SegPerObj   float64 `json:"origin_requests_per_segment"`
	// Media playlists: origin requests per second per playlist, and per
	// playlist version (one version per segment duration).
	Playlists       int     `json:"origin_media_playlists"`
	PlaylistReqPerS float64 `json:"origin_requests_per_s_per_playlist"`
	PerVersion      float64 `json:"origin_requests_per_playlist_version"`
	OtherRequests   int64   `json:"origin_other_requests"` // multivariant playlists
	PlayerRequests  int64   `json:"player_requests"`
	PlayerErrors    int64   `json:"player_errors"`
	PlayerStalls    int64   `json:"player_stalls"`
	Failovers       int64   `json:"player_failovers"` // requests a player sent again to another edge of its POP
}

// originStats reads the test origin's /_stats (not itself counted).
func (f *fleet) originStats(ctx context.Context) (testorigin.Stats, error) {
	var st testorigin.Stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.originURL()+"/_stats", nil)
	if err != nil {
		return st, err
	}
	resp, err := f.probe.Do(req)
	if err != nil {
		return st, fmt.Errorf("origin stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("origin stats: HTTP status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&st); err != nil {
		return st, fmt.Errorf("origin stats: %w", err)
	}
	return st, nil
}

// between computes the phase from a to b. segDur is the stream's segment
// duration (a live playlist changes once per segment).
func between(name string, a, b mark, segDur time.Duration) phase {
	p := phase{Name: name, Seconds: b.at.Sub(a.at).Seconds(),
		PlayerRequests: b.players.Requests - a.players.Requests,
		PlayerErrors:   b.players.Errors - a.players.Errors,
		PlayerStalls:   b.players.Stalls - a.players.Stalls,
		Failovers:      b.retries - a.retries}
	var plReqs int64
	for path, ps := range b.origin.Paths {
		d := ps.Requests - a.origin.Paths[path].Requests
		if d <= 0 {
			continue
		}
		switch {
		case strings.HasSuffix(path, "/master.m3u8"):
			p.OtherRequests += d
		case strings.HasSuffix(path, ".m3u8"):
			p.Playlists++
			plReqs += d
		default:
			p.SegObjects++
			p.SegRequests += d
		}
	}
	if p.SegObjects > 0 {
		p.SegPerObj = float64(p.SegRequests) / float64(p.SegObjects)
	}
	if p.Playlists > 0 && p.Seconds > 0 {
		p.PlaylistReqPerS = float64(plReqs) / float64(p.Playlists) / p.Seconds
		p.PerVersion = p.PlaylistReqPerS * segDur.Seconds()
	}
	return p
}
