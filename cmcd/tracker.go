package cmcd

import (
	"container/list"
	"sync"
	"time"
)

// DefaultMaxSessions is the Tracker's default bound.
const DefaultMaxSessions = 10000

// ObjectTypes are the CTA-5004 object types; anything else counts as
// "unknown" and a request without ot as "none" (bounded label values).
var ObjectTypes = []string{"m", "a", "v", "av", "i", "c", "tt", "k", "o"}

func objectLabel(ot string, has bool) string {
	if !has {
		return "none"
	}
	for _, t := range ObjectTypes {
		if t == ot {
			return t
		}
	}
	return "unknown"
}

// Session is what a Tracker keeps per sid.
type Session struct {
	SID         string           `json:"sid"`
	CID         string           `json:"cid,omitempty"`
	Format      string           `json:"sf,omitempty"`
	StreamType  string           `json:"st,omitempty"`
	FirstSeen   time.Time        `json:"first_seen"`
	LastSeen    time.Time        `json:"last_seen"`
	Requests    int64            `json:"requests"`
	Starvations int64            `json:"buffer_starvations"`
	LastBitrate int64            `json:"last_br,omitempty"`
	ObjectTypes map[string]int64 `json:"object_types"`
}

// Tracker counts CMCD per session, least recently seen sessions evicted
// beyond max. It is safe for concurrent use.
type Tracker struct {
	mu      sync.Mutex
	max     int
	order   *list.List // of *Session, most recent at the front
	bySID   map[string]*list.Element
	evicted int64
	metrics *Metrics
}

// NewTracker returns a Tracker keeping at most maxSessions sessions
// (DefaultMaxSessions when ≤ 0); m may be nil.
func NewTracker(maxSessions int, m *Metrics) *Tracker {
	if maxSessions <= 0 {
		maxSessions = DefaultMaxSessions
	}
	return &Tracker{max: maxSessions, order: list.New(), bySID: make(map[string]*list.Element), metrics: m}
}

// Observe records one request's CMCD seen at now. Requests without sid are
// counted in the metrics only.
func (t *Tracker) Observe(d *Data, now time.Time) {
	if d.Empty() {
		return
	}
	ot := objectLabel(d.ObjectType, d.Has(OT))
	t.metrics.observe(ot, d.BufferStarvation)
	if !d.Has(SID) || d.SessionID == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.session(d.SessionID, now)
	s.LastSeen = now
	s.Requests++
	s.ObjectTypes[ot]++
	if d.BufferStarvation {
		s.Starvations++
	}
	if d.Has(CID) {
		s.CID = d.ContentID
	}
	if d.Has(SF) {
		s.Format = d.StreamingFormat
	}
	if d.Has(ST) {
		s.StreamType = d.StreamType
	}
	if d.Has(BR) {
		s.LastBitrate = d.Bitrate
	}
}

// session returns sid's entry, moved to the front, creating it (and
// evicting the least recent beyond max) if needed. t.mu is held.
func (t *Tracker) session(sid string, now time.Time) *Session {
	if e, ok := t.bySID[sid]; ok {
		t.order.MoveToFront(e)
		return e.Value.(*Session)
	}
	for t.order.Len() >= t.max {
		old := t.order.Back()
		delete(t.bySID, old.Value.(*Session).SID)
		t.order.Remove(old)
		t.evicted++
		t.metrics.evict()
	}
	s := &Session{SID: sid, FirstSeen: now, ObjectTypes: make(map[string]int64, 4)}
	t.bySID[sid] = t.order.PushFront(s)
	t.metrics.sessions(t.order.Len())
	return s
}

// Snapshot returns copies of up to limit sessions, most recently seen
// first, and the number tracked.
func (t *Tracker) Snapshot(limit int) ([]Session, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := min(limit, t.order.Len())
	out := make([]Session, 0, max(n, 0))
	for e := t.order.Front(); e != nil && len(out) < n; e = e.Next() {
		out = append(out, copySession(e.Value.(*Session)))
	}
	return out, t.order.Len()
}

// Lookup returns a copy of sid's session.
func (t *Tracker) Lookup(sid string) (Session, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.bySID[sid]
	if !ok {
		return Session{}, false
	}
	return copySession(e.Value.(*Session)), true
}

func copySession(s *Session) Session {
	c := *s
	c.ObjectTypes = make(map[string]int64, len(s.ObjectTypes))
	for k, v := range s.ObjectTypes {
		c.ObjectTypes[k] = v
	}
	return c
}
