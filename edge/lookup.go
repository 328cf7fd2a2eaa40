package edge

import (
	"time"

	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// lookup finds the entry for key in the client's variant. It returns the key
// a fill for this request must use (the variant key once the object is known
// to vary), or false when the request must pass through (variant.Marker).
func (h *Handler) lookup(key string, req variant.Request) (*segments.Hit, string, bool) {
	hit, ok := h.store.Get(key)
	if !ok {
		return nil, key, true
	}
	m, isMarker := variant.ReadMarker(&hit.Entry)
	if !isMarker {
		return hit, key, true
	}
	hit.Release()
	vk, ok := m.Lookup(key, req)
	if !ok {
		return nil, "", false
	}
	if v, ok := h.store.Get(vk); ok {
		return v, vk, true
	}
	return nil, vk, true
}

func isFresh(m *segments.Meta, now time.Time) bool {
	return m.Flags&segments.FlagNoCache == 0 && now.Before(m.FreshUntil)
}

func canServeWhileRevalidating(m *segments.Meta, now time.Time) bool {
	return now.Before(m.SWRUntil)
}

func canServeOnError(m *segments.Meta, now time.Time) bool {
	return now.Before(m.SIEUntil)
}

// age is the entry's current age (RFC 9111 §4.2.3), whole seconds.
func age(m *segments.Meta, now time.Time) int64 {
	a := m.InitialAge + now.Sub(m.StoredAt)
	if a < 0 {
		return 0
	}
	return int64(a / time.Second)
}
