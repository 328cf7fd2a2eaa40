package llhls

import (
	"net/url"
	"strings"
	"time"
)

// hintSet remembers the preload-hint paths of recent playlists: a request
// for one may be held by the origin until the part exists. Bounded: expired
// hints go first, then new ones are not kept.
type hintSet struct {
	max   int
	paths map[string]hint
}

type hint struct {
	until time.Time
	hold  time.Duration
}

func newHintSet(max int) hintSet { return hintSet{max: max, paths: map[string]hint{}} }

// add records s's hints, resolved against the rendition's path.
func (hs *hintSet) add(rendition string, s *Snapshot, hold time.Duration) {
	for _, uri := range s.State.Hints {
		p, ok := resolve(rendition, uri)
		if !ok {
			continue
		}
		if len(hs.paths) >= hs.max {
			hs.expire(s.At)
		}
		if len(hs.paths) < hs.max {
			hs.paths[p] = hint{until: s.At.Add(hold), hold: hold}
		}
	}
}

func (hs *hintSet) expire(now time.Time) {
	for p, h := range hs.paths {
		if now.After(h.until) {
			delete(hs.paths, p)
		}
	}
}

func (hs *hintSet) hold(path string, now time.Time) time.Duration {
	h, ok := hs.paths[path]
	if !ok || now.After(h.until) {
		return 0
	}
	return h.hold
}

// resolve turns a hint URI into an edge path: relative references resolve
// against the playlist's path; absolute URLs (another host) are not ours.
func resolve(rendition, uri string) (string, bool) {
	base, _, _ := strings.Cut(rendition, "?")
	ref, err := url.Parse(uri)
	if err != nil || ref.Scheme != "" || ref.Host != "" {
		return "", false
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	return b.ResolveReference(ref).EscapedPath(), true
}
