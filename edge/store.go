package edge

import (
	"net/http"
	"strings"

	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
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

// put stores an entry, under its variant key when the response varies on d.
func (h *Handler) put(spec fillSpec, e *segments.Entry, d variant.Dims) {
	key := spec.key
	if d != 0 {
		vk, ok := h.admitVariant(spec.key, d, spec.vary, e.StoredAt)
		if !ok {
			return
		}
		key = vk
	}
	if err := h.store.Put(key, e); err != nil {
		h.metrics.storeErrors.Inc()
		h.log.Debug("store refused entry", "key", key, "err", err)
	}
}

// hopHeaders are never stored nor forwarded (RFC 9110 §7.6.1), with the
// per-response fields the edge sets itself (Via is re-added by storedHeader
// with the edge's entry appended; an upstream Cache-Status is kept and ours
// follows it).
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

// clampDownstream makes the freshness a live manifest's clients may keep
// (Cache-Control, Expires) agree with the edge's own lifetime
// (freshness.Policy.Downstream), counting origins that promised more.
func (h *Handler) clampDownstream(pol freshness.Policy, hdr http.Header) {
	if pol.Downstream(hdr) {
		h.metrics.liveFreshnessClamped.Inc()
	}
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
	if via := src.Values("Via"); len(via) > 0 {
		// Append to the origin's Via, never replace it (RFC 9110 §7.6.3).
		dst["Via"] = append(append(make([]string, 0, len(via)+1), via...), viaValue...)
	}
	return dst
}
