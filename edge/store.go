package edge

import (
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
	if spec.prefetch {
		e.Flags |= segments.FlagPrefetched
		h.prefetched.Add(key, int64(len(e.Body)), e.StoredAt)
	}
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
