package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Failover is the client side of a service with several addresses (DNS
// round-robin, a Kubernetes Service's endpoints): an http.RoundTripper that
// sends each GET or HEAD to the first of Hosts not marked down and, on a
// connection error or a body cut short, marks that host down for Hold and
// sends the request to the next one. An HTTP status is never retried: a 5xx
// is the player's error. Bodies are read whole (at most MaxBody) before the
// response is returned, since a cut is only seen that way; the response's
// Request stays the original one, so relative URLs keep naming the
// preferred host.
type Failover struct {
	Base    http.RoundTripper
	Hosts   []string      // host:port, preferred first; at least one
	Hold    time.Duration // a failed host is tried last this long; default 3s
	MaxBody int64         // default 64 MiB

	mu   sync.Mutex
	down map[string]time.Time

	retries atomic.Int64 // requests sent again to another host
}

// Retries is how many requests were sent again to another host.
func (f *Failover) Retries() int64 { return f.retries.Load() }

// RoundTrip implements http.RoundTripper.
func (f *Failover) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(f.Hosts) == 0 {
		return nil, errors.New("failover: no hosts")
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil, fmt.Errorf("failover: %s is not retried; use GET or HEAD", req.Method)
	}
	var errs []error
	for i, h := range f.order() {
		if i > 0 {
			f.retries.Add(1)
		}
		resp, err := f.try(req, h)
		if err == nil {
			return resp, nil
		}
		if req.Context().Err() != nil {
			return nil, err
		}
		f.markDown(h)
		errs = append(errs, fmt.Errorf("%s: %w", h, err))
	}
	return nil, errors.Join(errs...)
}

// try sends req to host h and reads the body whole.
func (f *Failover) try(req *http.Request, h string) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Host, r.Host = h, ""
	resp, err := f.base().RoundTrip(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	limit := f.MaxBody
	if limit <= 0 {
		limit = 64 << 20
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("body: %w", err)
	case int64(len(b)) > limit:
		return nil, fmt.Errorf("body over %d bytes", limit)
	case resp.ContentLength >= 0 && req.Method == http.MethodGet && int64(len(b)) != resp.ContentLength:
		return nil, fmt.Errorf("body: got %d of %d bytes: %w", len(b), resp.ContentLength, io.ErrUnexpectedEOF)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.Request = req
	return resp, nil
}

func (f *Failover) base() http.RoundTripper {
	if f.Base != nil {
		return f.Base
	}
	return http.DefaultTransport
}

// order is the hosts not marked down, preferred first, then the ones down.
func (f *Failover) order() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	up := make([]string, 0, len(f.Hosts))
	var down []string
	for _, h := range f.Hosts {
		if now.Before(f.down[h]) {
			down = append(down, h)
		} else {
			up = append(up, h)
		}
	}
	return append(up, down...)
}

func (f *Failover) markDown(h string) {
	hold := f.Hold
	if hold <= 0 {
		hold = 3 * time.Second
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down == nil {
		f.down = make(map[string]time.Time)
	}
	f.down[h] = time.Now().Add(hold)
}
