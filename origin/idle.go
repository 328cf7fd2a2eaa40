package origin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// An origin exchange is bounded by progress, not by its total time: a large
// MP4 that keeps arriving is never cut, an origin that stops sending is.
// Connecting and the response headers have their own timeouts (DialTimeout,
// TLSHandshakeTimeout, ResponseHeaderTimeout, itself at most Timeout); the
// body is cut when a read waits longer than Config.Timeout for a byte. Only time spent waiting on the
// origin counts: while the edge is not reading (a pass-through client slow to
// take bytes) the clock is stopped, and the client's own write timeout applies.

// roundTripIdle sends req on ctx made cancellable and wraps the body so a
// read stalled for d cancels the exchange with ErrTimeout.
func roundTripIdle(rt http.RoundTripper, req *http.Request, d time.Duration) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	resp, err := rt.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return nil, err
	}
	if rwc, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &upgradedBody{ReadWriteCloser: rwc, cancel: cancel} // a tunnel: no idle bound of ours
		return resp, nil
	}
	resp.Body = newIdleBody(resp.Body, d, cancel)
	return resp, nil
}

// idleBody runs a timer only while a Read is waiting on the origin.
type idleBody struct {
	rc     io.ReadCloser
	d      time.Duration
	timer  *time.Timer
	fired  atomic.Bool
	cancel context.CancelCauseFunc
}

func newIdleBody(rc io.ReadCloser, d time.Duration, cancel context.CancelCauseFunc) *idleBody {
	b := &idleBody{rc: rc, d: d, cancel: cancel}
	b.timer = time.AfterFunc(d, func() {
		b.fired.Store(true)
		cancel(fmt.Errorf("%w: no body bytes for %s", ErrTimeout, d))
	})
	b.timer.Stop()
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.d)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil && b.fired.Load() {
		err = fmt.Errorf("%w: no body bytes for %s", ErrTimeout, b.d)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

type upgradedBody struct {
	io.ReadWriteCloser
	cancel context.CancelCauseFunc
}

func (b *upgradedBody) Close() error {
	err := b.ReadWriteCloser.Close()
	b.cancel(nil)
	return err
}

// roundTripHeld is roundTripIdle for a request the origin may hold for
// hold: its headers may take max(ResponseHeaderTimeout, hold) and its body
// may pause max(Timeout, hold). It runs on the held transport, whose own
// header timeout is off; a timer bounds the wait instead.
func (c *Client) roundTripHeld(req *http.Request, hold time.Duration) (*http.Response, error) {
	wait := max(min(c.cfg.ResponseHeaderTimeout, c.cfg.Timeout), hold)
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(wait, func() {
		cancel(fmt.Errorf("%w: no response headers for %s", ErrTimeout, wait))
	})
	resp, err := c.held.RoundTrip(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, ErrTimeout) {
			err = cause
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = newIdleBody(resp.Body, max(c.cfg.Timeout, hold), cancel)
	return resp, nil
}
