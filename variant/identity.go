package variant

import (
	"net/http"
	"strings"
)

// Decoded rewrites the header of a body the edge decoded for its class (an
// identity client, or a gzip client handed br): Content-Encoding goes, and a
// strong ETag becomes weak, because the origin's strong validator names the
// encoded bytes, not these (as nginx's gzip module does the other way round).
// Weak validators still match If-None-Match (RFC 9110 §13.1.2), so clients
// and refreshes keep their 304s; If-Range (strong only) sends the whole body.
// h must be the caller's own.
func Decoded(h http.Header) {
	h.Del("Content-Encoding")
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et)
	}
}

// KeepWeak keeps a refreshed header's ETag weak when the stored copy's was
// weakened by Decoded: a 304 names the origin's strong validator again.
func KeepWeak(refreshed, stored http.Header) {
	old, et := stored.Get("ETag"), refreshed.Get("ETag")
	if strings.HasPrefix(old, "W/") && et != "" && !strings.HasPrefix(et, "W/") && old[2:] == et {
		refreshed.Set("ETag", old)
	}
}

// Compressed rewrites the header of an identity body the edge compressed in
// coding for a class: Content-Encoding names it and a strong ETag becomes
// weak, as CloudFront and nginx's gzip module do: the origin's strong
// validator names the identity bytes, and the weak one still matches
// If-None-Match in every class (RFC 9110 §13.1.2), so a 304 crosses
// variants and a refresh sent with it gets the origin's 304. h must be the
// caller's own.
func Compressed(h http.Header, coding string) {
	h.Set("Content-Encoding", coding)
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et)
	}
}
