package freshness

import (
	"time"

	"github.com/streamedge/streamedge/manifest"
)

// dashRestartPeriod stands for the update period of a dynamic MPD without
// MPD@minimumUpdatePeriod (the same 2 s as its default lifetime).
const dashRestartPeriod = 2 * time.Second

// ShouldReplace implements "a refresh never replaces a cached live manifest
// with an older one" (a lagging origin or packager behind a load balancer).
// It returns false when
//
//   - both are live HLS media playlists and fresh has a lower MediaSequence,
//     or the same MediaSequence with fewer Segments, unless cachedAge, how
//     long the cached copy has been stored, exceeds 3 × cached.TargetDuration;
//   - both are dynamic DASH MPDs and fresh is older (olderMPD: published
//     before cached or, when publishTime cannot tell them apart, listing
//     less), unless cachedAge exceeds 3 × cached's MinimumUpdatePeriod (2 s
//     without one).
//
// Past those ages the encoder is believed to have restarted and its sequence
// or clock really went back. It returns true otherwise.
func ShouldReplace(cached, fresh manifest.Info, cachedAge time.Duration) bool {
	switch {
	case isLiveMedia(cached) && isLiveMedia(fresh):
		return restarted(cached.TargetDuration, cachedAge) || !olderPlaylist(cached, fresh)
	case isDynamicMPD(cached) && isDynamicMPD(fresh):
		period := cached.MinimumUpdatePeriod
		if period <= 0 {
			period = dashRestartPeriod
		}
		return restarted(period, cachedAge) || !olderMPD(cached, fresh)
	}
	return true
}

// restarted reports whether the cached copy is older than 3 update periods.
func restarted(period, cachedAge time.Duration) bool {
	return period <= maxDuration/3 && cachedAge > 3*period
}

func olderPlaylist(cached, fresh manifest.Info) bool {
	return fresh.MediaSequence < cached.MediaSequence ||
		fresh.MediaSequence == cached.MediaSequence && fresh.Segments < cached.Segments
}

// olderMPD reports whether fresh is an older copy of cached: by
// MPD@publishTime when both carry different ones; otherwise (either lacks
// one, or both carry the same) by the end of the newest segment each lists
// in a SegmentTimeline or SegmentList (manifest.Info.NewestSegmentEnd), when
// both list one. An MPD whose segments are available by the clock alone
// ($Number$ with @duration) gives no signal and always replaces.
func olderMPD(cached, fresh manifest.Info) bool {
	if !cached.PublishTime.IsZero() && !fresh.PublishTime.IsZero() && !fresh.PublishTime.Equal(cached.PublishTime) {
		return fresh.PublishTime.Before(cached.PublishTime)
	}
	return !cached.NewestSegmentEnd.IsZero() && !fresh.NewestSegmentEnd.IsZero() &&
		fresh.NewestSegmentEnd.Before(cached.NewestSegmentEnd)
}

func isLiveMedia(m manifest.Info) bool {
	return m.Format == manifest.HLS && !m.Master && m.Live
}

func isDynamicMPD(m manifest.Info) bool {
	return m.Format == manifest.DASH && m.Live
}
