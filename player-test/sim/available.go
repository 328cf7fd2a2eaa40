package sim

import (
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// HeaderAvailableAt is the test origin's LL-HLS header (testorigin
// HeaderAvailableAt): when the part, segment or awaited part of a blocking
// reload was published on the origin's schedule, RFC 3339 with nanoseconds.
const HeaderAvailableAt = "X-Part-Available-At"

// maxFirsts bounds the objects whose first request is remembered.
const maxFirsts = 1 << 18

// firstByteReader notes when the first non-empty Read of a body returned:
// the first body byte, not the header.
type firstByteReader struct {
	r  io.Reader
	at time.Time
}

func (f *firstByteReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if n > 0 && f.at.IsZero() {
		f.at = time.Now()
	}
	return n, err
}

// heldTimes are, for requests sent before their part was available at the
// origin (holders), the time from that availability to the first body byte
// and to the last byte.
type heldTimes struct {
	first, last Histogram
}

// observeAvailable records a response carrying HeaderAvailableAt that was
// requested at sent, before the availability: a holder.
func (m *Metrics) observeAvailable(kind ReqKind, h http.Header, sent, first, last time.Time) {
	v := h.Get(HeaderAvailableAt)
	if v == "" || first.IsZero() {
		return
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err != nil || !sent.Before(at) {
		return
	}
	ht := &m.heldParts
	if kind == ReqPlaylist {
		ht = &m.heldPlaylists
	}
	ht.first.Observe(first.Sub(at))
	ht.last.Observe(last.Sub(at))
}

// firstRequests remembers, per media object (URL path), whether the
// earliest-sent request any player made for it was a cache hit.
type firstRequests struct {
	mu       sync.Mutex
	m        map[string]firstReq
	overflow int64
}

type firstReq struct {
	sent time.Time
	hit  bool
}

// isHit reads a cache's hit/miss header: X-Cache (streamedge, Varnish,
// ATS's xcache plugin) or X-Cache-Status (nginx).
func isHit(h http.Header) bool {
	v := strings.ToLower(h.Get("X-Cache") + " " + h.Get("X-Cache-Status"))
	return strings.Contains(v, "hit") && !strings.Contains(v, "miss")
}

func (f *firstRequests) observe(p string, sent time.Time, hit bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string]firstReq{}
	}
	old, ok := f.m[p]
	switch {
	case ok && !sent.Before(old.sent):
	case !ok && len(f.m) >= maxFirsts:
		f.overflow++
	default:
		f.m[p] = firstReq{sent, hit}
	}
}

// FirstHits counts objects of one class and those whose first request hit.
type FirstHits struct {
	Objects  int64   `json:"objects"`
	FirstHit int64   `json:"first_request_hit"`
	Share    float64 `json:"share"`
}

// classes splits the remembered objects into LL-HLS parts (the test
// origin's seg_N.part_K names), init sections and segments.
func (f *firstRequests) classes() map[string]FirstHits {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]FirstHits{}
	for p, r := range f.m {
		class := "segment"
		switch base := path.Base(p); {
		case strings.Contains(base, ".part_"):
			class = "part"
		case strings.HasPrefix(base, "init"):
			class = "init"
		}
		c := out[class]
		c.Objects++
		if r.hit {
			c.FirstHit++
		}
		c.Share = float64(c.FirstHit) / float64(c.Objects)
		out[class] = c
	}
	return out
}
