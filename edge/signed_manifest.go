package edge

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/rewrite"
	"github.com/streamedge/streamedge/signedurl"
)

// Signed manifests: a viewer whose manifest request carried a custom policy
// in its URL gets a copy whose child URIs (segments, maps, keys, variants,
// parts, preload hints; DASH BaseURL and SegmentTemplate) carry the same
// signing parameters, when the policy's Resource grants them. The copy is
// made at response time from the stored (unsigned) manifest, so one entry
// serves every viewer and each viewer's copy carries its own signature.

// signsManifest reports whether the response to x is a manifest to sign for
// its viewer, and its format.
func (h *Handler) signsManifest(x *exchange, status int, hdr http.Header) (manifest.Format, bool) {
	if x.grant.Query == "" || status != http.StatusOK {
		return manifest.None, false
	}
	f := manifest.Detect(hdr.Get("Content-Type"), decodedPath(x.key))
	return f, f != manifest.None
}

// serveSignedFill waits for a manifest fill's body (manifests are published
// whole) and serves the viewer's signed copy of it.
func (h *Handler) serveSignedFill(x *exchange, fl *coalesce.Fill[fillMeta], f manifest.Format, head *coalesce.Head[fillMeta]) {
	if err := fl.Wait(x.r.Context()); err != nil {
		h.abort(x, err)
		return
	}
	h.serveSignedManifest(x, f, head.Header, fl.Body())
}

// serveSignedManifest writes the viewer's copy of a manifest whose head is
// set: rewritten (decoded, so without Content-Encoding, and without the
// stored copy's ETag) when a child URI changed, else as stored.
func (h *Handler) serveSignedManifest(x *exchange, f manifest.Format, hdr http.Header, raw []byte) {
	body, changed := h.signedManifestBody(x, f, hdr.Get("Content-Encoding"), raw)
	hd := x.w.Header()
	if changed {
		delete(hd, "Content-Encoding")
		delete(hd, "Etag") // the stored copy's validator, not this copy's
	}
	status, start, end := h.rangeFor(x, http.StatusOK, int64(len(body)))
	if status == http.StatusRequestedRangeNotSatisfiable {
		return
	}
	body = body[start : end+1 : end+1]
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	x.w.WriteHeader(status)
	if x.r.Method() != http.MethodHead {
		h.writeBody(x, body, false)
	}
}

// signedManifestBody is the rewritten body and true, or raw and false when
// no child URI is granted or the manifest cannot be rewritten (counted).
func (h *Handler) signedManifestBody(x *exchange, f manifest.Format, contentEncoding string, raw []byte) ([]byte, bool) {
	result := "error"
	defer func() { h.metrics.signed.manifests.WithLabelValues(result).Inc() }()
	body, err := h.decodeManifest(contentEncoding, raw)
	if err != nil {
		return raw, false
	}
	m, err := childMapper(signedRequest(x), x.grant)
	if err != nil {
		return raw, false
	}
	changed := false
	out, err := rewrite.Manifest(f, body, func(uri string) (string, bool) {
		u, ok := m(uri)
		changed = changed || ok
		return u, ok
	})
	switch {
	case err != nil:
		return raw, false
	case !changed:
		result = "unchanged"
		return raw, false
	}
	result = "rewritten"
	return out, true
}

// childMapper appends the grant's signing parameters to every child URI
// that resolves (against the manifest's URL, req) to a URL the policy grants
// and that carries no signing parameters of its own.
func childMapper(req signedurl.Request, grant signedurl.Grant) (rewrite.Mapper, error) {
	base, err := url.Parse(req.Scheme + "://" + req.Host + req.Path)
	if err != nil {
		return nil, err
	}
	appendQuery, err := rewrite.AppendQuery(grant.Query, req.Host)
	if err != nil {
		return nil, err
	}
	return func(uri string) (string, bool) {
		ref, err := url.Parse(uri)
		if err != nil { // a DASH template such as $Number%5d$: resolve it as literal text
			if ref, err = url.Parse(strings.ReplaceAll(uri, "%", "%25")); err != nil {
				return uri, false
			}
		}
		abs := base.ResolveReference(ref)
		if signedurl.SigningQuery(abs.RawQuery) != "" || !grant.Covers(abs.Scheme, abs.Host, abs.EscapedPath(), abs.RawQuery) {
			return uri, false
		}
		return appendQuery(uri)
	}, nil
}
