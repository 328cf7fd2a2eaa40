package cachekey

import (
	"net/http"
	"sort"
	"strings"
)

// Unvaried returns h, or a copy of it whose Vary leaves out the fields the
// key already separates: the keyed headers, and Cookie when the key holds
// cookies. A response that varies only on those is one object per key, as
// on CloudFront, where a Vary naming a cache-key header does not stop
// caching. Only the edge's decision reads the copy: what is stored and sent
// downstream keeps the origin's Vary. Without keyed headers or cookies, or
// without Vary, h itself is returned.
func (b *Builder) Unvaried(h http.Header) http.Header {
	vary := h["Vary"]
	if len(vary) == 0 || len(b.headers) == 0 && !b.cookies.any() {
		return h
	}
	var kept []string
	changed := false
	for _, v := range vary {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if b.keyedVary(strings.ToLower(f)) {
				changed = true
				continue
			}
			if f != "" {
				kept = append(kept, f)
			}
		}
	}
	if !changed {
		return h
	}
	out := h.Clone()
	if delete(out, "Vary"); len(kept) > 0 {
		out["Vary"] = []string{strings.Join(kept, ", ")}
	}
	return out
}

func (b *Builder) keyedVary(field string) bool {
	if field == "cookie" {
		return b.cookies.any()
	}
	i := sort.SearchStrings(b.headers, field)
	return i < len(b.headers) && b.headers[i] == field
}
