package edge

import (
	"bytes"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/rewrite"
	"github.com/streamedge/streamedge/segments"
)

// Manifest rewriting (Route.Rewrite): a fill runs a manifest it validated
// through the route's mapper once, before it is stored and published, so
// every viewer and every encoding class gets the same rewritten body. The
// stored copy is the rewritten identity body (compressed copies, when the
// route compresses, are made from it); its ETag is the origin's made weak
// (variant.Decoded), which still revalidates against the origin by weak
// comparison and keeps conditional requests from viewers working.

// Rewrite results, the label of streamedge_manifest_rewrites_total.
const (
	rewriteChanged     = "rewritten"
	rewriteUnchanged   = "unchanged"    // the mapper found nothing to rewrite
	rewriteError       = "error"        // served as the origin sent it
	rewriteNoTransform = "no_transform" // Cache-Control: no-transform (RFC 9110 §7.7) forbids it
)

func newRewriteCounter() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_manifest_rewrites_total",
		Help: "Manifests a fill ran through its behavior's URI rewriter, by result (rewritten, unchanged, error: stored as the origin sent it, no_transform: the origin forbade it)."},
		[]string{"result"})
}

// rewriteManifest is body rewritten by the fill's route, and the result
// ("" when the route does not rewrite or body is no 200 manifest). A
// rewrite that fails keeps the manifest as the origin sent it.
func (h *Handler) rewriteManifest(spec fillSpec, resp *http.Response, format manifest.Format, body []byte) ([]byte, string) {
	if spec.route.Rewrite == nil || format == manifest.None || resp.StatusCode != http.StatusOK {
		return body, ""
	}
	if noTransform(resp.Header) {
		h.metrics.rewrites.WithLabelValues(rewriteNoTransform).Inc()
		return body, rewriteNoTransform
	}
	res := rewriteChanged
	out, err := rewrite.Manifest(format, body, spec.route.Rewrite)
	switch {
	case err != nil:
		h.log.Warn("manifest rewrite failed: served as the origin sent it", "path", spec.path, "err", err)
		out, res = body, rewriteError
	case bytes.Equal(out, body):
		res = rewriteUnchanged
	}
	h.metrics.rewrites.WithLabelValues(res).Inc()
	return out, res
}

// rewriteCurrent reports whether a stored entry was made under the route's
// rewrite setting: a manifest stored before a reload turned rewriting on or
// off is fetched whole at its next refresh, not revalidated (a 304 would
// keep the body as the old setting made it).
func rewriteCurrent(m *segments.Meta, rt *Route) bool {
	if m.Flags&segments.FlagManifest == 0 {
		return true
	}
	return (m.Flags&segments.FlagRewritten != 0) == (rt.Rewrite != nil)
}
