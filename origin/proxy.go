package origin

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httputil"

	"github.com/streamedge/streamedge/failure"
)

// PassThrough returns a reverse proxy to the origin for requests the cache does
// not keep (other methods, private responses, oversized objects). It rewrites
// the target to the origin (keeping the client's path and query), strips
// hop-by-hop headers both ways (httputil does), sets X-Forwarded-For and Via,
// and answers transport failures with 502 or 504 and a one-line body. onError
// (may be nil) is told of each failure.
func (c *Client) PassThrough(log *slog.Logger, onError func(*http.Request, error)) http.Handler {
	base := *c.cfg.URL
	return &httputil.ReverseProxy{
		Transport: &timeoutTransport{rt: c.transport, c: c},
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&base)
			pr.SetXForwarded()
			pr.Out.Header.Del(PeerHeader) // a POP's own marker, never an origin's business
			pr.Out.Host = base.Host
			for k, vs := range c.cfg.AddHeaders {
				pr.Out.Header[k] = vs
			}
			pr.Out.Header.Add("Via", "1.1 "+c.cfg.Via)
			if c.cfg.CDNID != "" {
				pr.Out.Header.Add("CDN-Loop", c.cfg.CDNID)
			}
		},
		ModifyResponse: func(r *http.Response) error {
			r.Header.Add("Via", "1.1 "+c.cfg.Via)
			r.Header.Del("Alt-Svc") // the origin's ports are not the edge's
			return nil
		},
		FlushInterval: -1, // stream as bytes arrive
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			err = Classify(err)
			if onError != nil {
				onError(r, err)
			}
			if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
				return // the client left
			}
			failure.Write(w, failure.Classify(err))
			if log != nil {
				log.Debug("pass-through failed", "uri", r.URL.RequestURI(), "err", err)
			}
		},
		ErrorLog: slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
}

// timeoutTransport bounds each pass-through exchange by progress: a body read
// that waits longer than the origin timeout for bytes is cut (idle.go).
type timeoutTransport struct {
	rt *http.Transport
	c  *Client
}

func (t *timeoutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Upgrade") != "" {
		// A protocol upgrade (WebSocket) is a tunnel that lives as long as its
		// peers: dial and response-header timeouts bound the handshake, the
		// client connection (and -max-conns) bounds the tunnel, and
		// ReverseProxy needs the 101's body writable, so it is not wrapped.
		return t.rt.RoundTrip(r)
	}
	return roundTripIdle(t.rt, r, t.c.cfg.Timeout)
}
