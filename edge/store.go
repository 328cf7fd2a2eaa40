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
	}
	if info.Live {
		m.Flags |= segments.FlagLive
		m.MediaSequence, m.Segments, m.TargetDuration = info.MediaSequence, int32(info.Segments), info.TargetDuration
	}
	return m
}

// infoFromMeta recovers the live playlist facts of a stored entry.
func infoFromMeta(m *segments.Meta) manifest.Info {
	if m.Flags&segments.FlagLive == 0 || m.TargetDuration == 0 {
		return manifest.Info{}
	}
	return manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: m.TargetDuration,
		MediaSequence: m.MediaSequence, Segments: int(m.Segments)}
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
