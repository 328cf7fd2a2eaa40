package alpn

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultHandshakeTimeout bounds a client's TLS handshake when Split is
// given none.
const DefaultHandshakeTimeout = 10 * time.Second

// Options tune Split; the zero value is DefaultHandshakeTimeout and no
// metrics.
type Options struct {
	HandshakeTimeout time.Duration
	// Registry, if set, gets streamedge_tls_connections_total{protocol}:
	// connections by negotiated protocol (h2, http/1.1), or
	// "handshake_failed".
	Registry prometheus.Registerer
	// OnHandshakeError, if set, is told of each failed handshake (the TLS
	// front end's streamedge_tls_handshake_errors_total).
	OnHandshakeError func(error)
}

// Split accepts from ln (plain TCP), wraps each connection in TLS with cfg
// and, once the handshake is done, delivers it to h2 when the client
// negotiated "h2" and to http1 otherwise. cfg.NextProtos should offer both
// ("h2", "http/1.1"). Closing either listener closes ln and both.
func Split(ln net.Listener, cfg *tls.Config, o Options) (h2, http1 net.Listener, err error) {
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = DefaultHandshakeTimeout
	}
	s := &splitter{ln: ln, cfg: cfg, timeout: o.HandshakeTimeout, done: make(chan struct{}), onErr: o.OnHandshakeError,
		conns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_tls_connections_total",
			Help: "TLS client connections by negotiated protocol (h2, http/1.1) or handshake_failed."}, []string{"protocol"})}
	if o.Registry != nil {
		if err := o.Registry.Register(s.conns); err != nil {
			return nil, nil, err
		}
	}
	s.h2 = &sub{s: s, conns: make(chan net.Conn)}
	s.http1 = &sub{s: s, conns: make(chan net.Conn)}
	go s.loop()
	return s.h2, s.http1, nil
}

type splitter struct {
	ln        net.Listener
	cfg       *tls.Config
	timeout   time.Duration
	h2, http1 *sub
	done      chan struct{}
	once      sync.Once
	err       error // why the loop stopped; set before done closes
	conns     *prometheus.CounterVec
	onErr     func(error)
}

// loop accepts until ln is closed; other accept errors (out of file
// descriptors) are retried after a pause, as net/http does.
func (s *splitter) loop() {
	pause := time.Duration(0)
	for {
		c, err := s.ln.Accept()
		switch {
		case err == nil:
			pause = 0
			go s.handshake(c)
		case errors.Is(err, net.ErrClosed):
			s.close(err)
			return
		default:
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(pause):
			case <-s.done:
				return
			}
		}
	}
}

func (s *splitter) handshake(c net.Conn) {
	tc := tls.Server(c, s.cfg)
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		s.conns.WithLabelValues("handshake_failed").Inc()
		if s.onErr != nil {
			s.onErr(err)
		}
		tellPlainHTTPClient(err)
		_ = c.Close()
		return
	}
	to, proto := s.http1, "http/1.1"
	if tc.ConnectionState().NegotiatedProtocol == "h2" {
		to, proto = s.h2, "h2"
	}
	s.conns.WithLabelValues(proto).Inc()
	select {
	case to.conns <- tc:
	case <-s.done:
		_ = tc.Close()
	}
}

func (s *splitter) close(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
		_ = s.ln.Close()
	})
}

// sub is one protocol's listener.
type sub struct {
	s     *splitter
	conns chan net.Conn
}

// ErrClosed is what Accept returns once the listeners are closed.
var ErrClosed = errors.New("alpn: listener closed")

func (l *sub) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.s.done:
		if l.s.err != nil && !errors.Is(l.s.err, net.ErrClosed) {
			return nil, l.s.err
		}
		return nil, net.ErrClosed
	}
}

func (l *sub) Close() error {
	l.s.close(ErrClosed)
	return nil
}

func (l *sub) Addr() net.Addr { return l.s.ln.Addr() }

// tellPlainHTTPClient answers a plain HTTP request sent to the TLS port as
// net/http's TLS server does: a 400 saying the server wants HTTPS, rather
// than a bare connection close the client cannot explain.
func tellPlainHTTPClient(err error) {
	var re tls.RecordHeaderError
	if !errors.As(err, &re) || re.Conn == nil || !looksLikeHTTP(re.RecordHeader) {
		return
	}
	_ = re.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
}

func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}
