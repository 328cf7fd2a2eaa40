package freshness

import (
	"net/http"
	"strings"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

// explicitLifetime returns the origin's freshness lifetime for a shared
// cache: s-maxage, else max-age, else Expires - Date (Date defaults to
// ResponseTime; an unparsable Expires such as "0" means already expired).
func explicitLifetime(in Input, cc Directives) (time.Duration, bool) {
	switch {
	case cc.HasSMaxAge:
		return cc.SMaxAge, true
	case cc.HasMaxAge:
		return cc.MaxAge, true
	}
	exp := in.Header.Values("Expires")
	if len(exp) == 0 {
		return 0, false
	}
	expires, err := http.ParseTime(strings.TrimSpace(exp[0]))
	if err != nil {
		return 0, true
	}
	date, err := http.ParseTime(in.Header.Get("Date"))
	if err != nil {
		date = in.ResponseTime
	}
	return max(0, expires.Sub(date)), true
}

// storableStatus reports whether a response with this status may be stored.
// 5xx (but 501) never is; 404 and 410 always are (with NegativeTTL by
// default); statuses RFC 9111 calls heuristically cacheable are by default;
// any other status needs explicit freshness.
func storableStatus(status int, explicit bool) bool {
	switch {
	case status == http.StatusNotImplemented, status == http.StatusNotFound, status == http.StatusGone:
		return true
	case status >= 500:
		return false
	case defaultCacheable[status]:
		return true
	}
	return explicit
}

var defaultCacheable = map[int]bool{
	200: true, 203: true, 204: true, 300: true, 301: true, 308: true, 405: true, 414: true, 501: true,
}

// Kinds of response, for the default lifetime and for logs.
const (
	KindHLSLive     = "hls-live"     // HLS media playlist without ENDLIST, not VOD
	KindHLSMaster   = "hls-master"   // HLS multivariant playlist
	KindHLSVOD      = "hls-vod"      // HLS media playlist with ENDLIST or PLAYLIST-TYPE:VOD
	KindDASHDynamic = "dash-dynamic" // MPD@type="dynamic"
	KindDASHStatic  = "dash-static"  // MPD@type="static"
	KindSegment     = "segment"      // manifest.IsSegmentPath
	KindOther       = "other"
)

func kindOf(in Input) string {
	m := in.Manifest
	switch {
	case m.Format == manifest.HLS && m.Master:
		return KindHLSMaster
	case m.Format == manifest.HLS && m.Live:
		return KindHLSLive
	case m.Format == manifest.HLS:
		return KindHLSVOD
	case m.Format == manifest.DASH && m.Live:
		return KindDASHDynamic
	case m.Format == manifest.DASH:
		return KindDASHStatic
	case manifest.IsSegmentPath(in.Path):
		return KindSegment
	}
	return KindOther
}

// masterTTL is the default lifetime of an HLS multivariant playlist.
const masterTTL = 60 * time.Second

// defaultTTL is the lifetime of a storable response without explicit
// freshness.
func defaultTTL(status int, kind string, m manifest.Info, cfg Config) time.Duration {
	if status == http.StatusNotFound || status == http.StatusGone {
		return max(0, cfg.NegativeTTL)
	}
	switch kind {
	case KindHLSLive:
		return max(0, m.TargetDuration/2)
	case KindDASHDynamic:
		return dashLiveTTL(m)
	case KindHLSMaster:
		return masterTTL
	}
	return max(0, cfg.DefaultTTL)
}

// dashLiveTTL is min(MinimumUpdatePeriod, 2s), at least 1s; 2s without a
// MinimumUpdatePeriod.
func dashLiveTTL(m manifest.Info) time.Duration {
	ttl := 2 * time.Second
	if m.MinimumUpdatePeriod > 0 {
		ttl = min(ttl, m.MinimumUpdatePeriod)
	}
	return max(ttl, time.Second)
}

// clampLive caps a live manifest's lifetime whatever the origin said: an HLS
// live media playlist to TargetDuration/2 (stale-while-revalidate to
// TargetDuration), a DASH dynamic MPD to its default lifetime.
func clampLive(p *Policy, m manifest.Info) {
	switch p.Kind {
	case KindHLSLive:
		p.TTL = min(p.TTL, max(0, m.TargetDuration/2))
		p.StaleWhileRevalidate = min(p.StaleWhileRevalidate, max(0, m.TargetDuration))
	case KindDASHDynamic:
		p.TTL = min(p.TTL, dashLiveTTL(m))
		p.StaleWhileRevalidate = min(p.StaleWhileRevalidate, dashLiveTTL(m))
	}
}
