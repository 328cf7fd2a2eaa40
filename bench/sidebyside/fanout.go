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
)

const livePath = "/live/hls_ts/master.m3u8"

// playerReport is the part of player-test's -json we tabulate (the whole
// file is kept in Player).
type playerReport struct {
	Launched       int64            `json:"players_launched"`
	Started        int64            `json:"players_started_playback"`
	ElapsedS       float64          `json:"elapsed_s"`
	StartupP99MS   float64          `json:"startup_p99_ms"`
	Stalls         int64            `json:"stalls"`
	StallRatio     float64          `json:"stall_ratio"`
	Errors         int64            `json:"errors"`
	ErrorsByKind   map[string]int64 `json:"errors_by_kind"`
	SegmentP99MS   float64          `json:"segment_latency_p99_ms"`
	Segments       int64            `json:"segments"`
	Requests       int64            `json:"requests"`
	StalePlaylists int64            `json:"stale_playlists"`
}

// fanoutResult is phases (c) and (d). Origin figures come from the
// origin's per-path counts over the run:
//   - PlaylistRPS = origin requests for media playlists (…/index.m3u8,
//     all renditions) ÷ run seconds: ≈1/s per rendition in use for a cache
//     honouring max-age=1, ≈0 when it holds the playlist for an hour;
//   - PerSegment = origin requests for segments (.ts) ÷ distinct segments
//     requested (1 = every segment fetched once).
type fanoutResult struct {
	LiveMaxAge        string             `json:"live_max_age"` // origin default: max-age=1
	Player            *playerReport      `json:"player,omitempty"`
	PlayerJSON        json.RawMessage    `json:"player_json,omitempty"`
	OriginRequests    int64              `json:"origin_requests"`
	OriginMaster      int64              `json:"origin_master_requests"`
	OriginPlaylist    int64              `json:"origin_media_playlist_requests"`
	OriginSegment     int64              `json:"origin_segment_requests"`
	OriginOther       int64              `json:"origin_other_requests"`
	DistinctPlaylists int                `json:"distinct_media_playlists"`
	PlaylistPaths     map[string]int64   `json:"origin_playlist_paths"`             // requests by path
	SegmentSpread     map[string]int     `json:"origin_requests_per_segment_count"` // "2": segments fetched twice
	DistinctSegments  int                `json:"distinct_segments"`
	PlaylistRPS       float64            `json:"origin_media_playlist_req_per_s"`
	PerSegment        float64            `json:"origin_requests_per_segment"`
	Offload           float64            `json:"origin_requests_per_player_request"`
	Error             string             `json:"error,omitempty"`
	Edge              map[string]float64 `json:"streamedge_metrics,omitempty"`
	Memory            *memSample         `json:"memory,omitempty"` // the cache's, at the end of the run
}

func fanoutPhase(ctx context.Context, cfg config, peer string, maxAge time.Duration) *fanoutResult {
	tag, res := "live1", &fanoutResult{LiveMaxAge: "1s (origin default)"}
	var flags []string
	if maxAge > 0 {
		tag, res.LiveMaxAge = "live3600", maxAge.String()
		flags = []string{"-live-max-age", fmt.Sprintf("%.0fs", maxAge.Seconds())}
	}
	origin, err := startOrigin(ctx, cfg, peer+"-"+tag, flags...)
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer origin.stop()
	p, err := startPeer(ctx, cfg, peer, tag)
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer p.stop()
	logf("%s: fan-out of %d players for %ds, live playlists max-age %s", peer, cfg.FanoutPlayers,
		cfg.FanoutSeconds, res.LiveMaxAge)
	if err := runPlayers(ctx, cfg, peer, tag, res); err != nil {
		res.Error = errString(err)
		return res
	}
	res.Edge = edgeMetrics(ctx, cfg, peer)
	res.Memory = sampleMem(p.pids())
	pr := res.Player
	logf("%s: %d player requests, origin %d (media playlists %.2f/s, %.2f per segment), "+
		"stalls %d, errors %d, stale playlists %d", peer, pr.Requests, res.OriginRequests,
		res.PlaylistRPS, res.PerSegment, pr.Stalls, pr.Errors, pr.StalePlaylists)
	return res
}

func runPlayers(ctx context.Context, cfg config, peer, tag string, res *fanoutResult) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.FanoutSeconds+120)*time.Second)
	defer cancel()
	jsonPath := filepath.Join(cfg.Work, "fanout-"+peer+"-"+tag+".json")
	logFile, err := os.Create(filepath.Join(cfg.Work, "fanout-"+peer+"-"+tag+".log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := command(ctx, filepath.Join(cfg.Bin, "player-test"), "run",
		"-url", fmt.Sprintf("http://127.0.0.1:%d%s", cfg.peerPort(), livePath),
		"-players", strconv.Itoa(cfg.FanoutPlayers), "-duration", fmt.Sprintf("%ds", cfg.FanoutSeconds),
		"-ramp", cfg.FanoutRamp.String(), "-json", jsonPath, "-quiet",
		"-origin-stats", fmt.Sprintf("http://127.0.0.1:%d/_stats", cfg.originPort()), "-reset-origin")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("player-test run: %w (see %s)", err, logFile.Name())
	}
	st, err := getOriginStats(ctx, cfg)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return err
	}
	res.PlayerJSON = b
	res.Player = &playerReport{}
	if err := json.Unmarshal(b, res.Player); err != nil {
		return fmt.Errorf("player-test json: %w", err)
	}
	res.addOrigin(st, res.Player.ElapsedS)
	return nil
}

// addOrigin splits the origin's per-path counts into master, media
// playlists, segments and the rest.
func (r *fanoutResult) addOrigin(st originStats, elapsed float64) {
	r.OriginRequests = st.Requests
	r.PlaylistPaths, r.SegmentSpread = map[string]int64{}, map[string]int{}
	for path, ps := range st.Paths {
		switch {
		case strings.HasSuffix(path, "/master.m3u8"):
			r.OriginMaster += ps.Requests
		case strings.HasSuffix(path, ".m3u8"):
			r.OriginPlaylist += ps.Requests
			r.DistinctPlaylists++
			r.PlaylistPaths[path] = ps.Requests
		case strings.HasSuffix(path, ".ts"):
			r.OriginSegment += ps.Requests
			r.DistinctSegments++
			r.SegmentSpread[strconv.FormatInt(ps.Requests, 10)]++
		default:
			r.OriginOther += ps.Requests
		}
	}
	if elapsed > 0 {
		r.PlaylistRPS = float64(r.OriginPlaylist) / elapsed
	}
	if r.DistinctSegments > 0 {
		r.PerSegment = float64(r.OriginSegment) / float64(r.DistinctSegments)
	}
	if r.Player != nil && r.Player.Requests > 0 {
		r.Offload = float64(r.OriginRequests) / float64(r.Player.Requests)
	}
}
