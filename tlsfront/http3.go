package tlsfront

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
)

// HTTP3Config bounds the HTTP/3 server.
type HTTP3Config struct {
	MaxConns       int           // QUIC connections at once; beyond, closed at once (0: DefaultHTTP3MaxConns)
	IdleTimeout    time.Duration // an idle connection is closed after this
	MaxHeaderBytes int           // largest request HEADERS frame
	Logger         *slog.Logger
}

// DefaultHTTP3MaxConns caps QUIC connections when HTTP3Config.MaxConns is 0:
// UDP has no listener backlog, so the cap is never off.
const DefaultHTTP3MaxConns = 10000

// maxStreamsPerConn bounds concurrent requests on one QUIC connection.
const maxStreamsPerConn = 100

// HTTP3 serves HTTP/3 on a UDP socket with the certificates of Certs.
type HTTP3 struct {
	srv *http3.Server
	tr  *quic.Transport
	ln  *quic.EarlyListener
	m   *Metrics
	max int64
}

// NewHTTP3 prepares an HTTP/3 server for h on pc (which it closes on
// Shutdown).
func NewHTTP3(pc net.PacketConn, certs *Certs, h http.Handler, cfg HTTP3Config, m *Metrics) (*HTTP3, error) {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultHTTP3MaxConns
	}
	tr := &quic.Transport{Conn: pc}
	qc := &quic.Config{MaxIdleTimeout: cfg.IdleTimeout, MaxIncomingStreams: maxStreamsPerConn,
		MaxIncomingUniStreams: 10, HandshakeIdleTimeout: 5 * time.Second}
	ln, err := tr.ListenEarly(http3.ConfigureTLSConfig(certs.Config()), qc)
	if err != nil {
		return nil, fmt.Errorf("http3: %w", err)
	}
	srv := &http3.Server{Handler: http3Adapt(h), MaxHeaderBytes: cfg.MaxHeaderBytes, IdleTimeout: cfg.IdleTimeout, Logger: cfg.Logger}
	return &HTTP3{srv: srv, tr: tr, ln: ln, m: m, max: int64(cfg.MaxConns)}, nil
}

// Addr is the UDP address served.
func (s *HTTP3) Addr() net.Addr { return s.ln.Addr() }

// Serve answers HTTP/3 until Shutdown, then returns nil.
func (s *HTTP3) Serve() error {
	err := s.srv.ServeListener(&cappedListener{EarlyListener: s.ln, max: s.max, m: s.m})
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, sends GOAWAY, waits for requests in flight until
// ctx ends, then closes every connection and the socket.
func (s *HTTP3) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	_ = s.ln.Close()
	_ = s.tr.Close()
	return err
}

// Close closes everything at once.
func (s *HTTP3) Close() error {
	err := s.srv.Close()
	_ = s.ln.Close()
	_ = s.tr.Close()
	return err
}

// cappedListener closes QUIC connections beyond max at once, with
// H3_EXCESSIVE_LOAD; a connection's place is released when it ends.
type cappedListener struct {
	*quic.EarlyListener
	max int64
	n   atomic.Int64
	m   *Metrics
}

func (l *cappedListener) Accept(ctx context.Context) (*quic.Conn, error) {
	for {
		c, err := l.EarlyListener.Accept(ctx)
		if err != nil {
			return nil, err
		}
		if l.n.Add(1) <= l.max {
			context.AfterFunc(c.Context(), func() { l.n.Add(-1) })
			return c, nil
		}
		l.n.Add(-1)
		l.m.quicRefusal()
		_ = c.CloseWithError(quic.ApplicationErrorCode(http3.ErrCodeExcessiveLoad), "too many connections")
	}
}
