package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
)

const llPath = "/live/llhls/master.m3u8"

// llDirect is the column of players on the origin itself, no cache: the
// floor the client, the origin and the machine set for every holder time.
const llDirect = "direct"

// llResult is phase (f), LL-HLS: FanoutPlayers LL-HLS players (player-test
// run -ll: preload hints, blocking reloads, delta updates) on the test
// origin's /live/llhls/ through the cache for FanoutSeconds, then as many
// segment players (-no-ll, whole segments of the same stream) for half as
// long, on the same cache and origin (origin counts reset in between).
//   - PerBlocking: origin blocking reloads ÷ distinct (playlist, msn,
//     part, skip) (1 = each asked of the origin once);
//   - PerPart: origin requests for parts ÷ distinct parts;
//   - the players' held_parts (requests sent before the part existed):
//     from X-Part-Available-At, the origin's publication time, to the first
//     body byte and to the last byte;
//   - first_request: per object, whether the earliest-sent player request
//     was a cache hit (parts for the LL players, segments for the segment
//     players: the prefetch target).
type llResult struct {
	Player         *sim.Report        `json:"ll_players,omitempty"`
	Segment        *sim.Report        `json:"segment_players,omitempty"`
	OriginRequests int64              `json:"origin_requests"`
	Blocking       originSpread       `json:"origin_blocking_reloads"`
	Parts          originSpread       `json:"origin_parts"`
	PlainPlaylists int64              `json:"origin_plain_playlist_requests"`
	SegSegments    originSpread       `json:"segment_run_origin_segments"`
	Edge           map[string]float64 `json:"streamedge_metrics,omitempty"`
	Error          string             `json:"error,omitempty"`
}

// originSpread is origin requests over distinct objects.
type originSpread struct {
	Requests int64          `json:"requests"`
	Distinct int            `json:"distinct"`
	Per      float64        `json:"per_object"`
	Max      int64          `json:"max_per_object"`
	Spread   map[string]int `json:"objects_by_request_count"`       // "2": objects asked twice
	Repeated []string       `json:"asked_more_than_once,omitempty"` // at most 20, for the analysis
}

func (s *originSpread) addNamed(name string, n int64) {
	if n > 1 && len(s.Repeated) < 20 {
		s.Repeated = append(s.Repeated, fmt.Sprintf("%s ×%d", name, n))
	}
	s.add(n)
}

func (s *originSpread) add(n int64) {
	if s.Spread == nil {
		s.Spread = map[string]int{}
	}
	s.Requests += n
	s.Distinct++
	s.Max = max(s.Max, n)
	s.Spread[strconv.FormatInt(n, 10)]++
	s.Per = float64(s.Requests) / float64(s.Distinct)
}

func llPhase(ctx context.Context, cfg config, peer string) *llResult {
	res := &llResult{}
	origin, err := startOrigin(ctx, cfg, peer+"-llhls")
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer origin.stop()
	if peer != llDirect {
		p, err := startPeer(ctx, cfg, peer, "llhls")
		if err != nil {
			res.Error = errString(err)
			return res
		}
		defer p.stop()
	}
	logf("%s: LL-HLS: %d players for %ds, then %d segment players for %ds", peer, cfg.FanoutPlayers,
		cfg.FanoutSeconds, cfg.FanoutPlayers, llSegSeconds(cfg))
	if res.Player, err = runSim(ctx, cfg, peer, "llhls", cfg.FanoutSeconds, "-ll"); err != nil {
		res.Error = errString(err)
		return res
	}
	st, err := getOriginStats(ctx, cfg)
	if err != nil {
		res.Error = errString(err)
		return res
	}
	res.addLL(st)
	if res.Segment, err = runSim(ctx, cfg, peer, "llhls-segments", llSegSeconds(cfg), "-no-ll"); err != nil {
		res.Error = errString(err)
		return res
	}
	if st, err = getOriginStats(ctx, cfg); err != nil {
		res.Error = errString(err)
		return res
	}
	for path, ps := range st.Paths {
		if isLLSegment(path) {
			res.SegSegments.add(ps.Requests)
		}
	}
	res.Edge = edgeMetrics(ctx, cfg, peer)
	pr, h := res.Player, res.Player.HeldParts
	if h == nil {
		h = &sim.HeldReport{}
	}
	logf("%s: LL-HLS origin %.2f per blocking reload (max %d), %.2f per part; holders' first body byte p99 %.1f ms; "+
		"stalls %d, errors %d", peer, res.Blocking.Per, res.Blocking.Max, res.Parts.Per, h.FirstP99MS, pr.Stalls, pr.Errors)
	return res
}

func llSegSeconds(cfg config) int { return max(10, cfg.FanoutSeconds/2) }

func isLLSegment(path string) bool {
	return strings.HasSuffix(path, ".m4s") && !strings.Contains(path, ".part_")
}

// addLL splits the origin's counts of the LL run.
func (r *llResult) addLL(st originStats) {
	r.OriginRequests = st.Requests
	var blocking int64
	for key, n := range st.Blocking {
		r.Blocking.addNamed(key, n)
		blocking += n
	}
	for path, ps := range st.Paths {
		switch {
		case strings.Contains(path, ".part_"):
			r.Parts.addNamed(path, ps.Requests)
		case strings.HasSuffix(path, "/index.m3u8"):
			r.PlainPlaylists += ps.Requests
		}
	}
	r.PlainPlaylists -= blocking
}

// runSim runs player-test on the LL-HLS stream through the cache and
// returns its report.
func runSim(ctx context.Context, cfg config, peer, tag string, seconds int, mode string) (*sim.Report, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+120)*time.Second)
	defer cancel()
	jsonPath := filepath.Join(cfg.Work, "fanout-"+peer+"-"+tag+".json")
	logFile, err := os.Create(filepath.Join(cfg.Work, "fanout-"+peer+"-"+tag+".log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	ramp := (time.Duration(seconds) * time.Second / 6).Round(time.Second)
	port := cfg.peerPort()
	if peer == llDirect {
		port = cfg.originPort()
	}
	cmd := command(ctx, filepath.Join(cfg.Bin, "player-test"), "run", mode,
		"-url", fmt.Sprintf("http://127.0.0.1:%d%s", port, llPath),
		"-players", strconv.Itoa(cfg.FanoutPlayers), "-duration", fmt.Sprintf("%ds", seconds),
		"-ramp", ramp.String(), "-json", jsonPath, "-quiet",
		"-origin-stats", fmt.Sprintf("http://127.0.0.1:%d/_stats", cfg.originPort()), "-reset-origin")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("player-test run %s: %w (see %s)", mode, err, logFile.Name())
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return nil, err
	}
	rep := &sim.Report{}
	if err := json.Unmarshal(b, rep); err != nil {
		return nil, fmt.Errorf("player-test json: %w", err)
	}
	return rep, nil
}
