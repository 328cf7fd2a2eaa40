package origin

import (
	"context"
	"net/http"
	"strings"

	"github.com/streamedge/streamedge/variant"
)

// FillRequest is what a shared fill asks of the origin. It carries nothing a
// client chose beyond the key, the Accept-Encoding class and a valid Origin.
type FillRequest struct {
	Target         string // path?query, the cache key
	AcceptEncoding string // the encoding class: "br", "gzip" or "" (variant.Class)
	Origin         string // a valid serialized Origin (variant.ValidOrigin), or ""
	ETag           string // validators of a stale copy: a conditional refresh
	LastModified   string
}

// Fetch sends a GET for a fill. The caller owns the context (a fill's is
// detached from every viewer and bounded by Timeout) and must close the body.
// Transport errors come back classified (ErrTimeout, ErrUnreachable).
func (c *Client) Fetch(ctx context.Context, fr FillRequest) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.target(fr.Target), nil)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("User-Agent", c.cfg.UserAgent)
	h.Set("Via", "1.1 "+c.cfg.Via)
	h.Set("Accept-Encoding", variant.FillAcceptEncoding(fr.AcceptEncoding))
	if fr.Origin != "" {
		h.Set("Origin", fr.Origin)
	}
	if fr.ETag != "" {
		h.Set("If-None-Match", fr.ETag)
	}
	if fr.LastModified != "" {
		h.Set("If-Modified-Since", fr.LastModified)
	}
	resp, err := c.transport.RoundTrip(req)
	if err != nil {
		return nil, Classify(err)
	}
	return resp, nil
}

// target joins the origin's base path and a key.
func (c *Client) target(key string) string {
	u := c.cfg.URL
	return u.Scheme + "://" + u.Host + strings.TrimSuffix(u.EscapedPath(), "/") + key
}
