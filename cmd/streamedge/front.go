package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"github.com/streamedge/streamedge/internal/alpn"
	"github.com/streamedge/streamedge/limits"
	"github.com/streamedge/streamedge/tlsfront"
)

// tlsFront is the -tls-listen front end: HTTPS (HTTP/1.1 and HTTP/2 by ALPN)
// on TCP and HTTP/3 on UDP, on one port, serving the edge's handler.
type tlsFront struct {
	certs *tlsfront.Certs
	ln    net.Listener   // TCP; wrapped by the limits in wireFront
	pc    net.PacketConn // UDP; nil with -http3=false
	srv   *http.Server
	h3    *tlsfront.HTTP3
	stop  chan struct{} // ends the SIGHUP loop
	hup   chan os.Signal
	once  sync.Once
}

// newTLSFront binds -tls-listen (TCP, and UDP on the same port) and loads the
// certificates, so that a busy port or a bad pair is refused at start. It
// returns nil without -tls-listen.
func newTLSFront(c config) (*tlsFront, error) {
	if c.TLSListen == "" {
		return nil, nil
	}
	pairs := make([]tlsfront.Pair, len(c.TLSCerts))
	for i := range pairs {
		pairs[i] = tlsfront.Pair{CertFile: c.TLSCerts[i], KeyFile: c.TLSKeys[i]}
	}
	certs, err := tlsfront.LoadCerts(pairs)
	if err != nil {
		return nil, fmt.Errorf("-tls-cert: %w", err)
	}
	f := &tlsFront{certs: certs}
	for try := 0; ; try++ { // with port 0, TCP picks the port and UDP must get the same one
		if f.ln, err = listen("-tls-listen", c.TLSListen); err != nil || !c.HTTP3 {
			return f, err
		}
		port := f.ln.Addr().(*net.TCPAddr).Port
		host, _, _ := net.SplitHostPort(c.TLSListen)
		if f.pc, err = net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port))); err == nil {
			return f, nil
		}
		f.ln.Close()
		if !isPortZero(c.TLSListen) || try == 4 {
			return nil, fmt.Errorf("-tls-listen %s (udp, for -http3): %w", c.TLSListen, unwrapOp(err))
		}
	}
}

func isPortZero(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && (port == "0" || port == "")
}

// port is the TLS port (0 without -tls-listen).
func (f *tlsFront) port() int {
	if f == nil {
		return 0
	}
	return f.ln.Addr().(*net.TCPAddr).Port
}

func (f *tlsFront) close() {
	if f == nil {
		return
	}
	f.stopReloads()
	f.ln.Close()
	if f.h3 != nil {
		_ = f.h3.Close() // after a drain, a no-op
	}
	if f.pc != nil {
		f.pc.Close()
	}
}

// wireFront counts requests by protocol on every listener, advertises HTTP/3
// on the TCP ones, and puts the TLS listener behind the same connection
// limits as -listen (a cap of its own: each listener counts its connections).
func (a *app) wireFront(lm *limits.Metrics) error {
	f := a.tls
	var certs *tlsfront.Certs
	if f != nil {
		certs = f.certs
	}
	m, err := tlsfront.NewMetrics(a.reg, certs)
	if err != nil {
		return err
	}
	a.front = m
	a.handler = tlsfront.CountProtocol(m, a.handler)
	if f == nil || f.pc == nil {
		if a.fast != nil {
			a.fast.wrapFast(m, 0)
		}
		if f != nil {
			f.ln = limits.Listener(f.ln, a.limits, lm)
		}
		return nil
	}
	f.ln = limits.Listener(f.ln, a.limits, lm)
	if f.h3, err = tlsfront.NewHTTP3(f.pc, f.certs, a.handler, tlsfront.HTTP3Config{MaxConns: a.cfg.MaxConns,
		IdleTimeout: a.cfg.IdleTimeout, MaxHeaderBytes: a.limits.ServerMaxHeaderBytes(), Logger: a.log}, m); err != nil {
		return err
	}
	a.handler = tlsfront.AltSvc(f.port(), a.handler) // HTTP/3 itself needs no advertisement
	if a.fast != nil {
		a.fast.wrapFast(m, f.port())
	}
	return nil
}

// startFront serves HTTPS and HTTP/3 with -listen's client bounds, reloads
// the certificates on SIGHUP, and returns the function that drains them.
// HTTP/2 is net/http's; HTTP/1.1 over TLS runs on -http1's front end: with
// fasthttp, alpn.Split handshakes each connection and hands it to fasthttp
// or to net/http's HTTP/2 server by the protocol the client negotiated.
func (a *app) startFront(errc chan<- error) func(context.Context) {
	f := a.tls
	if f == nil {
		return func(context.Context) {}
	}
	c := a.cfg
	f.srv = &http.Server{Handler: a.handler, ReadHeaderTimeout: c.ReadHeaderTimeout, IdleTimeout: c.IdleTimeout,
		MaxHeaderBytes: a.limits.ServerMaxHeaderBytes(), TLSConfig: f.certs.Config(), Protocols: tlsfront.Protocols(),
		ErrorLog: tlsfront.HandshakeErrorLog(a.front, slog.NewLogLogger(a.log.Handler(), slog.LevelDebug).Writer())}
	var fast listenServer
	if a.fast == nil {
		go func() { errc <- serveErr(f.srv.ServeTLS(f.ln, "", "")) }()
	} else {
		h2, h1, err := alpn.Split(f.ln, f.certs.Config(), alpn.Options{HandshakeTimeout: c.ReadHeaderTimeout,
			Registry: a.reg, OnHandshakeError: a.front.HandshakeError})
		if err != nil {
			errc <- err
			return func(context.Context) {}
		}
		fast = a.newFastServer()
		go func() { errc <- serveErr(fast.serve(h1)) }()
		go func() { errc <- serveErr(f.srv.Serve(h2)) }()
	}
	if f.h3 != nil {
		go func() { errc <- f.h3.Serve() }()
	}
	f.stop, f.hup = make(chan struct{}), make(chan os.Signal, 1)
	signal.Notify(f.hup, syscall.SIGHUP)
	go f.reloadOn(f.hup, a.front, a.log)
	return func(ctx context.Context) {
		f.stopReloads()
		if fast != nil {
			if err := fast.shutdown(ctx); err != nil {
				a.log.Warn("HTTPS (HTTP/1.1) drain cut short", "err", err)
			}
		}
		if err := f.srv.Shutdown(ctx); err != nil {
			a.log.Warn("HTTPS drain cut short", "err", err)
		}
		if f.h3 != nil {
			if err := f.h3.Shutdown(ctx); err != nil {
				a.log.Warn("HTTP/3 drain cut short", "err", err)
			}
		}
	}
}

func (f *tlsFront) stopReloads() {
	f.once.Do(func() {
		if f.stop != nil {
			signal.Stop(f.hup)
			close(f.stop)
		}
	})
}

// reloadOn re-reads the certificates on each signal until f.stop. A bad set
// is logged and counted; the current one keeps serving.
func (f *tlsFront) reloadOn(hup <-chan os.Signal, m *tlsfront.Metrics, log *slog.Logger) {
	for {
		select {
		case <-hup:
			err := f.certs.Reload()
			m.CountReload(err)
			if err != nil {
				log.Error("certificate reload refused: the previous certificates keep serving", "err", err)
				continue
			}
			log.Info("certificates reloaded", "expiry", f.certs.Expiry())
		case <-f.stop:
			return
		}
	}
}

// serveErr is nil for a server that stopped because it was shut down.
func serveErr(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// addr is the TLS address ("" without -tls-listen).
func (f *tlsFront) addr() string {
	if f == nil {
		return ""
	}
	return f.ln.Addr().String()
}

// edgeAddr is the address clients reach: -listen, or -tls-listen with
// -listen off.
func (a *app) edgeAddr() string {
	if a.ln == nil {
		return a.tls.addr()
	}
	return a.ln.Addr().String()
}
