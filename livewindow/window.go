package livewindow

import (
	"net/url"
	"strings"
	"time"

	"github.com/streamedge/streamedge/dashlive"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/prefetch"
)

// Kind is how a manifest names a segment.
type Kind uint8

// Kinds.
const (
	Listed   Kind = iota + 1 // in the window (HLS segment or part, DASH available segment)
	Next                     // just past the end: an HLS preload hint or the next MSN's URI
	Upcoming                 // a DASH segment not available yet (Segment.Available)
)

func (k Kind) String() string {
	switch k {
	case Listed:
		return "listed"
	case Next:
		return "next"
	case Upcoming:
		return "upcoming"
	}
	return "unknown"
}

// Segment is one object a live manifest names.
type Segment struct {
	Target    string // request target (path?query) on the manifest's origin
	Kind      Kind
	Hold      time.Duration // Listed/Next: how long its 404 may be held (target or segment duration)
	Available time.Time     // Upcoming: when it becomes available
}

// Window is what one live manifest names.
type Window struct {
	Segments []Segment
	TTL      time.Duration // how long after it was stored the window is believed
}

// Bounds on a window.
const (
	MaxListed     = 32  // HLS: newest segments, parts and hints taken from one playlist, per kind
	MaxDASHListed = 16  // DASH: newest available segments per Representation
	MaxUpcoming   = 2   // DASH: upcoming segments per Representation
	MaxKeys       = 512 // segments one manifest records (Index.Record)
	defaultTTL    = 6 * time.Second
	maxTTL        = time.Minute
)

// FromManifest lists the window of a stored live manifest whose request
// target is target (its query is ignored); info is manifest.Parse's. A
// master playlist, an ended playlist, a static MPD or an unreadable one
// gives an empty window. Only URIs on the manifest's own origin (relative
// or path-absolute) are listed.
func FromManifest(info manifest.Info, body []byte, target string, now time.Time) Window {
	path, _, _ := strings.Cut(target, "?")
	base := &url.URL{Path: path}
	switch {
	case !info.Live:
		return Window{}
	case info.Format == manifest.HLS && !info.Master:
		return fromHLS(info, body, base)
	case info.Format == manifest.DASH:
		return fromDASH(info, body, base, now)
	}
	return Window{}
}

func fromHLS(info manifest.Info, body []byte, base *url.URL) Window {
	p := prefetch.ScanPlaylist(body, MaxListed)
	if p.Master || p.Ended {
		return Window{}
	}
	td := info.TargetDuration
	w := Window{TTL: ttl(td)}
	add := func(kind Kind, uris ...string) {
		for _, u := range uris {
			if t, ok := onOrigin(base, u); ok {
				w.Segments = append(w.Segments, Segment{Target: t, Kind: kind, Hold: td})
			}
		}
	}
	add(Listed, p.Segments...)
	add(Listed, p.Parts...)
	add(Next, p.Hints...)
	if n := len(p.Segments); n > 0 && info.Segments > 0 {
		last := info.MediaSequence + uint64(info.Segments) - 1
		if next, ok := NextByNumber(p.Segments[n-1], last); ok {
			add(Next, next)
		}
	}
	return w
}

func fromDASH(info manifest.Info, body []byte, base *url.URL, now time.Time) Window {
	reps, _ := dashlive.Segments(body, base, now, dashlive.Options{Window: MaxDASHListed, Next: MaxUpcoming})
	w := Window{TTL: ttl(info.MinimumUpdatePeriod)}
	// Upcoming ones first, then the available newest first: what a bound
	// on the keys kept (Index.Record) cuts is the oldest.
	for _, r := range reps {
		for _, s := range r.Upcoming {
			if t, ok := onOrigin(base, s.URL); ok {
				w.Segments = append(w.Segments, Segment{Target: t, Kind: Upcoming, Available: s.Available})
			}
		}
	}
	for _, r := range reps {
		for i := len(r.Available) - 1; i >= 0; i-- {
			s := r.Available[i]
			t, ok := onOrigin(base, s.URL)
			if !ok {
				continue
			}
			var d time.Duration // its duration: when the next one became (or becomes) available
			switch {
			case i+1 < len(r.Available):
				d = r.Available[i+1].Available.Sub(s.Available)
			case len(r.Upcoming) > 0:
				d = r.Upcoming[0].Available.Sub(s.Available)
			}
			w.Segments = append(w.Segments, Segment{Target: t, Kind: Listed, Hold: d})
		}
	}
	return w
}

// ttl is three refresh periods (a target duration or an update period),
// bounded: a manifest not refreshed for that long no longer says what is
// about to appear.
func ttl(period time.Duration) time.Duration {
	if period <= 0 {
		return defaultTTL
	}
	return min(3*period, maxTTL)
}

// onOrigin resolves a URI against the manifest's path; one naming a scheme
// or host (another origin, or the origin by its absolute URL) is not listed.
func onOrigin(base *url.URL, uri string) (string, bool) {
	r, err := base.Parse(uri)
	if err != nil || r.Scheme != "" || r.Host != "" || r.Opaque != "" || r.Path == "" {
		return "", false
	}
	r.Fragment = ""
	return r.RequestURI(), true
}
