package prefetch

import (
	"net/url"
	"time"

	"github.com/streamedge/streamedge/dashlive"
	"github.com/streamedge/streamedge/manifest"
)

// MaxPerRendition bounds n in Targets.
const MaxPerRendition = 8

// self is the stand-in host manifest URIs are resolved against: a result on
// it is on the edge's own origin.
var self = &url.URL{Scheme: "http", Host: "edge.invalid"}

// Targets lists the newest n segments of each rendition a live manifest
// names, as request targets (path?query) on the manifest's origin, oldest
// first. manifestTarget is the manifest's own target (its path, query
// dropped). A master playlist, a VOD playlist or an unreadable manifest
// gives none.
func Targets(format manifest.Format, body []byte, manifestTarget string, n int, now time.Time) []string {
	n = min(n, MaxPerRendition)
	if n <= 0 {
		return nil
	}
	base, err := self.Parse(manifestTarget)
	if err != nil {
		return nil
	}
	switch format {
	case manifest.HLS:
		return onOrigin(base, lastSegments(body, n))
	case manifest.DASH:
		reps, _ := dashlive.Segments(body, base, now, dashlive.Options{Window: n, Next: 1})
		var out []string
		for _, r := range reps {
			for _, s := range r.Available {
				out = append(out, s.URL)
			}
		}
		return onOrigin(base, out)
	}
	return nil
}

// lastSegments are the URIs of the last n media segments of an HLS media
// playlist (none for a master playlist or one with ENDLIST).
func lastSegments(body []byte, n int) []string {
	p := ScanPlaylist(body, n)
	if p.Master || p.Ended {
		return nil
	}
	return p.Segments
}

// onOrigin resolves URIs against the manifest's URL and keeps those on its
// origin, as request targets.
func onOrigin(base *url.URL, uris []string) []string {
	out := make([]string, 0, len(uris))
	for _, u := range uris {
		r, err := base.Parse(u)
		if err != nil || r.Host != self.Host || r.Scheme != self.Scheme {
			continue
		}
		out = append(out, r.RequestURI())
	}
	return out
}
