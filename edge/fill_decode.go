package edge

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/streamedge/streamedge/coding"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/variant"
)

// decodeManifest undoes a manifest's content coding so it can be parsed (or a
// body's the fill's class cannot read), bounded by -max-object-size: a compression bomb or a corrupt body is a
// failed fill (ErrUndecodable), never stored.
func (h *Handler) decodeManifest(contentEncoding string, raw []byte) ([]byte, error) {
	if !variant.Encoded(contentEncoding) {
		return raw, nil
	}
	label := codingLabel(contentEncoding)
	body, err := coding.Decode(contentEncoding, raw, h.cfg.MaxObjectSize)
	if err != nil {
		h.metrics.decodeFailures.WithLabelValues(label, coding.Reason(err)).Inc()
		return nil, fmt.Errorf("%w: %w", ErrUndecodable, err)
	}
	h.metrics.decodes.WithLabelValues(label).Inc()
	return body, nil
}

// storedManifestInfo parses a stored manifest body, decoding it first when it
// is stored content-coded (for a gzip or br class).
func (h *Handler) storedManifestInfo(hdr http.Header, path string, body []byte) manifest.Info {
	if ce := hdr.Get("Content-Encoding"); variant.Encoded(ce) {
		var err error
		if body, err = coding.Decode(ce, body, h.cfg.MaxObjectSize); err != nil {
			return manifest.Info{}
		}
	}
	info, _ := manifest.Parse(manifest.Detect(hdr.Get("Content-Type"), path), body)
	return info
}

// codingLabel bounds the metric label to the codings the edge knows.
func codingLabel(ce string) string {
	switch c := strings.ToLower(strings.TrimSpace(ce)); c {
	case "gzip", "x-gzip", "br", "zstd", "deflate":
		return c
	}
	return "other"
}
