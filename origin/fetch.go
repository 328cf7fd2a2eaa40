package origin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/streamedge/streamedge/variant"
)

// FillRequest is what a shared fill asks of the origin. It carries nothing a
// client chose beyond the target, the Accept-Encoding class, a valid Origin
// and the viewer headers its behavior's policies name.
type FillRequest struct {
	Target string // path?query: the cache key's, plus the origin request policy's parameters
	// Header is the starting viewer's headers the cache key and origin
	// request policies name (cachekey.Request.Header; never one the edge
	// sets itself). The origin's add_headers replace same-named ones, as
	// CloudFront's custom origin headers do; a forwarded User-Agent is kept.
	Header         http.Header
	AcceptEncoding string // the encoding class: "br", "zstd", "gzip" or "" (variant.Class)
	Origin         string // a valid serialized Origin (variant.ValidOrigin), or ""
	ETag           string // validators of a stale copy: a conditional refresh
	LastModified   string
	// Offset > 0 asks for the body from that byte on (Range: bytes=Offset-):
	// a viewer continuing on its own a fill that stopped buffering.
	Offset int64
	// Hold > 0 says the origin may legitimately hold this request that long
	// before its headers or between body bytes (an LL-HLS blocking playlist
	// reload or preload-hint part, up to 3 × target duration): the header
	// and progress timeouts are raised to it for this request.
	Hold time.Duration
	// CDNLoop is the CDN-Loop the request that started the fill arrived
	// with (tiers before this one); the client's CDNID is added to it.
	CDNLoop string
	// Peer is the PeerHeader of the request that started the fill: the
	// member of the POP that asked this edge as the key's owner (package
	// peering), "" for a viewer's. A Client never sends it.
	Peer string
}

// PeerHeader marks a fill one member of a POP sends another (package
// peering): its value is the sender's member id. The receiver fetches from
// its origin itself and never forwards it again; no origin ever sees it.
const PeerHeader = "Streamedge-Peer"

// Fetch sends a GET for a fill. The caller owns the context (a fill's is
// detached from every viewer) and must close the body. The body is bounded by
// progress: a read waiting Timeout for bytes fails with ErrTimeout. Transport
// errors come back classified (ErrTimeout, ErrUnreachable).
func (c *Client) Fetch(ctx context.Context, fr FillRequest) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.target(fr.Target), nil)
	if err != nil {
		return nil, err
	}
	h := req.Header
	for k, vs := range fr.Header {
		h[k] = vs
	}
	for k, vs := range c.cfg.AddHeaders {
		h[k] = vs
	}
	if _, viewer := fr.Header["User-Agent"]; !viewer {
		h.Set("User-Agent", c.cfg.UserAgent)
	}
	h.Set("Via", "1.1 "+c.cfg.Via)
	if loop := cdnLoop(fr.CDNLoop, c.cfg.CDNID); loop != "" {
		h.Set("CDN-Loop", loop)
	}
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
	if fr.Offset > 0 {
		h.Set("Range", "bytes="+strconv.FormatInt(fr.Offset, 10)+"-")
	}
	if c.prepare != nil {
		if err := c.prepare(req); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
	}
	var resp *http.Response
	if fr.Hold > 0 {
		resp, err = c.roundTripHeld(req, fr.Hold)
	} else {
		resp, err = roundTripIdle(c.transport, req, c.cfg.Timeout)
	}
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

// cdnLoop appends this edge's cdn-id to the CDN-Loop a request came with.
func cdnLoop(upstream, id string) string {
	switch {
	case id == "":
		return upstream
	case upstream == "":
		return id
	}
	return upstream + ", " + id
}
