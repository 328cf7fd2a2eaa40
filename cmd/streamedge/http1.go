package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/limits"
	"github.com/streamedge/streamedge/tlsfront"
)

// The HTTP/1.1 front ends -http1 chooses between for -listen.
const (
	http1Fast = edge.FrontFast // fasthttp: the hot path
	http1Net  = edge.FrontNet  // net/http
)

// defaultHTTP1 is -http1's default (README "Front ends" says why).
const defaultHTTP1 = http1Fast

func (c *config) validateHTTP1() error {
	if c.HTTP1 != http1Fast && c.HTTP1 != http1Net {
		return fmt.Errorf("-http1 %q: want %s or %s", c.HTTP1, http1Fast, http1Net)
	}
	return nil
}

// listenServer is -listen's server, whichever front end runs it.
type listenServer interface {
	serve(ln net.Listener) error
	// shutdown stops accepting and waits for in-flight responses (ctx bounds it).
	shutdown(ctx context.Context) error
}

type netServer struct{ *http.Server }

func (s netServer) serve(ln net.Listener) error        { return s.Serve(ln) }
func (s netServer) shutdown(ctx context.Context) error { return s.Shutdown(ctx) }

// fastServer is fasthttp's server with a shutdown that also ends a Serve
// that had not started accepting yet: fasthttp's Shutdown closes only the
// listeners its Serve has registered, so a Serve reached after it would
// accept for good (seen in tests that stop an edge at once).
type fastServer struct {
	*fasthttp.Server
	lns   *listenerSet
	conns *edge.FastConns
}

func (s fastServer) serve(ln net.Listener) error {
	if !s.lns.add(ln) {
		return nil // shut down before it started
	}
	return s.Serve(s.conns.Listener(ln)) // a request read in one syscall, idle connections without a buffer
}

func (s fastServer) shutdown(ctx context.Context) error {
	err := s.ShutdownWithContext(ctx) // closes the registered listeners, then drains
	s.lns.closeAll()
	return err
}

// listenerSet is the listeners a fastServer was given to serve.
type listenerSet struct {
	mu      sync.Mutex
	lns     []net.Listener
	stopped bool
}

func (l *listenerSet) add(ln net.Listener) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		_ = ln.Close()
		return false
	}
	l.lns = append(l.lns, ln)
	return true
}

func (l *listenerSet) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	for _, ln := range l.lns {
		_ = ln.Close() // already closed by fasthttp when its Serve had registered it
	}
}

// fastFront is -listen's fasthttp handler and parser hooks.
type fastFront struct {
	handler fasthttp.RequestHandler
	errors  func(*fasthttp.RequestCtx, error)
	conns   *edge.FastConns // every FastListener's (lingering closes)
}

// fastHandler is the fasthttp front end for -listen, nil when -listen runs
// on net/http (-http1 net). When the edge is wrapped (demo mode), the demo
// page's paths go to the wrapped http.Handler through fasthttpadaptor and
// every other request to the edge's own fasthttp handler.
func fastHandler(c config, h *edge.Handler, wrapped http.Handler, lc limits.Config, lm *limits.Metrics) *fastFront {
	if c.HTTP1 != http1Fast {
		return nil
	}
	next := h.ServeFastHTTP
	if wrapped != http.Handler(h) {
		page := fasthttpadaptor.NewFastHTTPHandler(wrapped)
		next = func(ctx *fasthttp.RequestCtx) {
			if p := ctx.Path(); string(p) == "/demo" || bytes.HasPrefix(p, []byte("/demo/")) {
				page(ctx)
				return
			}
			h.ServeFastHTTP(ctx)
		}
	}
	return &fastFront{handler: limits.FastHandler(lc, lm, next), errors: limits.FastErrorHandler(lm), conns: edge.NewFastConns()}
}

// http1 names the front end -listen runs on.
func (a *app) http1() string {
	if a.fast != nil {
		return http1Fast
	}
	return http1Net
}

// newListenServer builds -listen's server with the client bounds of the
// flags: -read-header-timeout (fasthttp: the whole request), -idle-timeout,
// -client-write-timeout and the limits' header bound.
func (a *app) newListenServer() listenServer {
	c := a.cfg
	if a.fast != nil {
		return a.newFastServer()
	}
	return netServer{&http.Server{Handler: a.handler, ReadHeaderTimeout: c.ReadHeaderTimeout, IdleTimeout: c.IdleTimeout,
		MaxHeaderBytes: a.limits.ServerMaxHeaderBytes(), ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)}}
}

// newFastServer is a fasthttp server for the fast front end: -listen's, and
// HTTP/1.1 over TLS on -tls-listen (front.go).
func (a *app) newFastServer() fastServer {
	c := a.cfg
	return fastServer{edge.NewFastServer(a.fast.handler, edge.FastServerConfig{ReadTimeout: c.ReadHeaderTimeout,
		IdleTimeout: c.IdleTimeout, WriteTimeout: c.ClientWriteTime, MaxHeaderBytes: a.limits.ServerMaxHeaderBytes(),
		Logger: a.log, HeaderReceived: limits.FastHeaderReceived, ErrorHandler: a.fast.errors,
		IdleWorkers: time.Second}), // an idle worker goroutine (one per connection served) lingers 1-2 s
		&listenerSet{}, a.fast.conns}
}

// wrapFast puts the TLS front end's per-response work in front of the
// fasthttp handler, as wireFront does for net/http's: requests counted by
// protocol and, with HTTP/3 on, Alt-Svc on every response (one value built
// once; the edge's own headers are set after it, so nothing of the origin's
// can replace it: Alt-Svc is never stored).
func (f *fastFront) wrapFast(m *tlsfront.Metrics, altSvcPort int) {
	next := f.handler
	var alt []byte
	if altSvcPort > 0 {
		alt = []byte(tlsfront.AltSvcValue(altSvcPort))
	}
	f.handler = func(ctx *fasthttp.RequestCtx) {
		minor := 1
		if !ctx.Request.Header.IsHTTP11() {
			minor = 0
		}
		m.CountHTTP1(minor)
		if alt != nil {
			ctx.Response.Header.SetBytesV("Alt-Svc", alt)
		}
		next(ctx)
	}
}
