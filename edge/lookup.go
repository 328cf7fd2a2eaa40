package edge

import (
	"strings"
	"time"

	"github.com/streamedge/streamedge/coalesce"
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
	memo := hit.Entry.Memo
	hit.Release()
	vk, ok := variantKey(memo, m, key, req)
	if !ok {
		return nil, "", false
	}
	if v, ok := h.store.Get(vk); ok {
		return v, vk, true
	}
	return nil, vk, true
}

// variantKeys are the variant keys built under a marker's hot copy, one
// per encoding class, kept in its memo: for an object varying on
// Accept-Encoding alone, building the key (a concatenation) was an
// allocation on every hit.
type variantKeys struct {
	class, key [4]string
	n          int
}

// variantKey is m.Lookup(key, req), from the marker copy's memo when the
// object varies on the encoding class alone.
func variantKey(memo *segments.Memo, m variant.Marker, key string, req variant.Request) (string, bool) {
	if memo == nil || m.Dims != variant.AcceptEncoding {
		return m.Lookup(key, req)
	}
	vs, _ := memo.Load().(*variantKeys)
	if vs != nil {
		for i := range vs.n {
			if vs.class[i] == req.Class {
				return vs.key[i], true
			}
		}
	}
	vk, ok := m.Lookup(key, req)
	if ok && (vs == nil || vs.n < len(vs.class)) {
		next := &variantKeys{}
		if vs != nil {
			*next = *vs
		}
		next.class[next.n], next.key[next.n] = req.Class, vk
		next.n++
		memo.Store(next)
	}
	return vk, ok
}

// invalidated reports whether an invalidation made after the entry was
// stored covers the request's base key (package invalidation compares its
// records with the entry's stored-at; nothing is scanned). Every variant of
// an object (encoding class, Origin) is judged by the base key, so an
// invalidation removes them all, as CloudFront's ignores header variants.
// It counts streamedge_invalidation_hits_total.
func (h *Handler) invalidated(base string, m *segments.Meta) bool {
	return h.cfg.Invalidations != nil && h.cfg.Invalidations.Invalidated(invalidationKey(base), m.StoredAt)
}

// joinedInvalidated reports whether the fill a follower joined holds a
// response the origin sent before an invalidation covering the request
// (the fill started before it): the follower then goes to the origin on its
// own, so no request made after an invalidation gets what it removed.
func (h *Handler) joinedInvalidated(x *exchange, head *coalesce.Head[fillMeta]) bool {
	inv := h.cfg.Invalidations
	if inv == nil || !inv.Matches(invalidationKey(x.key), head.Value.meta.StoredAt) {
		return false
	}
	x.invalid = true
	return true
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

// invalidationKey is the part of a cache key invalidation paths are
// compared with: its path and query, without the header and cookie items a
// cache policy appends (cachekey: after a NUL), so invalidating a path
// removes every keyed variant of it.
func invalidationKey(key string) string {
	k, _, _ := strings.Cut(key, "\x00")
	return k
}
