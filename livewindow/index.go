package livewindow

import (
	"container/list"
	"sync"
	"time"
)

// Index defaults and the fixed cost counted per entry.
const (
	DefaultMaxRenditions = 4096
	DefaultMaxBytes      = 8 << 20
	DefaultMaxHold       = 2 * time.Second
	DefaultSlack         = 500 * time.Millisecond
	entryOverhead        = 96 // map entry, slot and list bookkeeping, roughly
)

// Config bounds an Index.
type Config struct {
	MaxRenditions int           // renditions remembered (default DefaultMaxRenditions)
	MaxBytes      int64         // keys plus entryOverhead per entry (default DefaultMaxBytes)
	MaxHold       time.Duration // the longest a 404 is held (default DefaultMaxHold)
	Slack         time.Duration // after an upcoming segment's availability time (default DefaultSlack)
}

// Keyed is a Segment with the cache key it is stored under.
type Keyed struct {
	Key string
	Segment
}

// Hold is Lookup's answer for a key a manifest names.
type Hold struct {
	Kind  Kind
	Until time.Time // retry until then
	// GaveUp: a fill already held this key's 404 to the end for the
	// manifest that names it; answer the 404 at once, without storing it.
	GaveUp bool
}

// Index maps segment keys to what the newest manifest of their rendition
// says of them. It is safe for concurrent use.
type Index struct {
	cfg   Config
	mu    sync.Mutex
	lru   *list.List // of *rendition, most recently recorded first
	byKey map[string]*list.Element
	segs  map[string]*slot
	bytes int64
}

type rendition struct {
	key     string
	expires time.Time
	slots   []*slot
	bytes   int64
}

type slot struct {
	key    string
	r      *rendition
	seg    Segment
	gaveUp bool
}

// New builds an empty Index; zero Config fields take the defaults.
func New(cfg Config) *Index {
	if cfg.MaxRenditions <= 0 {
		cfg.MaxRenditions = DefaultMaxRenditions
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxHold <= 0 {
		cfg.MaxHold = DefaultMaxHold
	}
	if cfg.Slack <= 0 {
		cfg.Slack = DefaultSlack
	}
	return &Index{cfg: cfg, lru: list.New(), byKey: map[string]*list.Element{}, segs: map[string]*slot{}}
}

// Record replaces what the index knows of the rendition name (one per
// route and manifest path) with segs, believed until expires. The first
// MaxKeys segments are kept; none forgets the rendition. The least
// recently recorded renditions go when a bound is passed.
func (ix *Index) Record(name string, expires time.Time, segs []Keyed) {
	segs = segs[:min(len(segs), MaxKeys)]
	r := &rendition{key: name, expires: expires, bytes: int64(len(name) + entryOverhead)}
	for _, s := range segs {
		r.slots = append(r.slots, &slot{key: s.Key, r: r, seg: s.Segment})
		r.bytes += int64(len(s.Key) + entryOverhead)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if el, ok := ix.byKey[name]; ok {
		ix.remove(el)
	}
	if len(segs) == 0 || r.bytes > ix.cfg.MaxBytes {
		return
	}
	ix.byKey[name] = ix.lru.PushFront(r)
	ix.bytes += r.bytes
	for _, s := range r.slots {
		ix.segs[s.key] = s // the newest manifest naming a key wins
	}
	for ix.lru.Len() > ix.cfg.MaxRenditions || ix.bytes > ix.cfg.MaxBytes {
		ix.remove(ix.lru.Back())
	}
}

func (ix *Index) remove(el *list.Element) {
	r := ix.lru.Remove(el).(*rendition)
	delete(ix.byKey, r.key)
	ix.bytes -= r.bytes
	for _, s := range r.slots {
		if ix.segs[s.key] == s {
			delete(ix.segs, s.key)
		}
	}
}

// Lookup says whether a 404 for key, answered at now, is "not yet" and how
// long it may be held; false means the index does not vouch for key (answer
// and cache the 404 as any other).
func (ix *Index) Lookup(key string, now time.Time) (Hold, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s, ok := ix.segs[key]
	if !ok || now.After(s.r.expires) {
		return Hold{}, false
	}
	if s.gaveUp {
		return Hold{Kind: s.seg.Kind, GaveUp: true}, true
	}
	if s.seg.Kind == Upcoming {
		until := s.seg.Available.Add(ix.cfg.Slack)
		if s.seg.Available.Sub(now) > ix.cfg.MaxHold || !until.After(now) {
			return Hold{}, false
		}
		return Hold{Kind: Upcoming, Until: until}, true
	}
	d := ix.cfg.MaxHold
	if s.seg.Hold > 0 {
		d = min(d, s.seg.Hold)
	}
	return Hold{Kind: s.seg.Kind, Until: now.Add(d)}, true
}

// GaveUp marks key as held to the end without appearing: until a newer
// manifest names it again, Lookup answers GaveUp.
func (ix *Index) GaveUp(key string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if s, ok := ix.segs[key]; ok {
		s.gaveUp = true
	}
}

// Len reports the renditions and segment keys remembered and the bytes
// counted for them.
func (ix *Index) Len() (renditions, keys int, bytes int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.lru.Len(), len(ix.segs), ix.bytes
}
