package edge

import (
	"net/http"
	"strings"
)

// notModified applies a client's If-None-Match / If-Modified-Since to the
// stored validators (RFC 9110 §13.2.2): If-None-Match wins when present.
func notModified(r headerView, stored http.Header) bool {
	if inm := r.Get("If-None-Match"); inm != "" {
		return etagListMatches(inm, stored.Get("ETag"))
	}
	ims := r.Get("If-Modified-Since")
	if ims == "" { // most hits: no stored header looked up
		return false
	}
	lm := stored.Get("Last-Modified")
	if lm == "" {
		return false
	}
	t, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	m, err := http.ParseTime(lm)
	return err == nil && !m.After(t)
}

// etagListMatches is the weak comparison of If-None-Match.
func etagListMatches(list, etag string) bool {
	if etag == "" {
		return false
	}
	if strings.TrimSpace(list) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(list, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}
