package freshness

import (
	"time"

	"github.com/streamedge/streamedge/manifest"
)

// ShouldReplace implements "a refresh never replaces a cached live playlist
// with an older one". It returns false when both are live HLS media
// playlists and fresh has a lower MediaSequence, or the same MediaSequence
// with fewer Segments (a lagging origin or packager behind a load balancer),
// unless cachedAge, how long the cached copy has been stored, exceeds
// 3 × cached.TargetDuration (the encoder restarted and its sequence really
// went back). It returns true otherwise.
func ShouldReplace(cached, fresh manifest.Info, cachedAge time.Duration) bool {
	if !isLiveMedia(cached) || !isLiveMedia(fresh) {
		return true
	}
	if cached.TargetDuration <= maxDuration/3 && cachedAge > 3*cached.TargetDuration {
		return true
	}
	switch {
	case fresh.MediaSequence < cached.MediaSequence:
		return false
	case fresh.MediaSequence == cached.MediaSequence && fresh.Segments < cached.Segments:
		return false
	}
	return true
}

func isLiveMedia(m manifest.Info) bool {
	return m.Format == manifest.HLS && !m.Master && m.Live
}
