package edge

import (
	"net/http"
	"strings"

	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/segments"
)

// metaFor turns a policy decision into the stored entry's metadata.
func (h *Handler) metaFor(in freshness.Input, pol freshness.Policy, info manifest.Info) segments.Meta {
	fresh := in.ResponseTime.Add(pol.TTL - pol.InitialAge)
	m := segments.Meta{
		Status: in.Status, StoredAt: in.ResponseTime, InitialAge: pol.InitialAge,
		FreshUntil: fresh, SWRUntil: fresh.Add(pol.StaleWhileRevalidate), SIEUntil: fresh.Add(pol.StaleIfError),
	}
	if pol.MustRevalidate {
		m.Flags |= segments.FlagMustRevalidate
	}
	if pol.NoCache {
		m.Flags |= segments.FlagNoCache
	}
	if info.Format != manifest.None {
		m.Flags |= segments.FlagManifest
		m.Facts = manifest.EncodeFacts(info) // opaque to the store
	}
	if info.Live {
		m.Flags |= segments.FlagLive
	}
	return m
}

// infoFromMeta recovers the manifest facts of a stored entry (Info{} for
// anything else, or facts lost to a format change).
func infoFromMeta(m *segments.Meta) manifest.Info {
	return manifest.DecodeFacts(m.Facts)
}

// varies reports whether a response must be stored per encoding class: it says
// Vary: Accept-Encoding, or it is content-encoded at all (an origin that
// compresses without saying Vary would otherwise hand gzip to clients that
// cannot read it).
func varies(pol freshness.Policy, hdr http.Header) bool {
	ce := strings.TrimSpace(hdr.Get("Content-Encoding"))
	return pol.VaryAcceptEncoding || (ce != "" && !strings.EqualFold(ce, "identity"))
}

// put stores an entry (under its encoding variant when it varies).
func (h *Handler) put(spec fillSpec, e *segments.Entry, pol freshness.Policy) {
	key := spec.key
	if varies(pol, e.Header) {
		e.Flags |= segments.FlagVaryAcceptEncoding
		marker := &segments.Entry{Meta: segments.Meta{Flags: segments.FlagVaryAcceptEncoding, StoredAt: e.StoredAt}}
		if err := h.store.Put(spec.key, marker); err != nil {
			h.metrics.storeErrors.Inc()
			return
		}
		key = variantKey(spec.key, spec.ae)
	}
	if err := h.store.Put(key, e); err != nil {
		h.metrics.storeErrors.Inc()
		h.log.Debug("store refused entry", "key", key, "err", err)
	}
}

// hopHeaders are never stored nor forwarded (RFC 9110 §7.6.1), with the
// per-response fields the edge sets itself.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
	"Set-Cookie", "Date", "Age", "Content-Length", "X-Cache", "Via", "Accept-Ranges",
}

// keptHeader is storedHeader less the fields the origin named in
// private="…" or no-cache="…", which a shared cache must not reuse.
func keptHeader(src http.Header, pol freshness.Policy) http.Header {
	h := storedHeader(src)
	for _, f := range pol.StripFields {
		h.Del(f)
	}
	return h
}

// storedHeader copies the response headers worth keeping.
func storedHeader(src http.Header) http.Header {
	dst := src.Clone()
	for _, f := range src.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			dst.Del(strings.TrimSpace(name))
		}
	}
	for _, k := range hopHeaders {
		dst.Del(k)
	}
	return dst
}
