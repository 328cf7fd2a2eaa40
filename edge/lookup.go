package edge

import (
	"time"

	"github.com/streamedge/streamedge/segments"
)

// A response that varies on Accept-Encoding is stored once per encoding class
// under a variant key; the plain key then holds a marker entry (status 0,
// FlagVaryAcceptEncoding) that sends lookups to the variant.
func variantKey(key, ae string) string { return key + "\x00ae=" + ae }

func isVaryMarker(m *segments.Meta) bool {
	return m.Status == 0 && m.Flags&segments.FlagVaryAcceptEncoding != 0
}

// lookup finds the entry for key in the client's encoding class. It returns
// the key a fill for this request must use (the variant key once the object is
// known to vary).
func (h *Handler) lookup(key, ae string) (*segments.Hit, string) {
	hit, ok := h.store.Get(key)
	if !ok {
		return nil, key
	}
	if !isVaryMarker(&hit.Entry.Meta) {
		return hit, key
	}
	hit.Release()
	vk := variantKey(key, ae)
	if v, ok := h.store.Get(vk); ok {
		return v, vk
	}
	return nil, vk
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
