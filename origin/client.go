package origin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/streamedge/streamedge/failure"
	"golang.org/x/sync/semaphore"
)

// Errors a fetch is classified into; package failure maps them to 504 and 502.
var (
	ErrTimeout     = failure.ErrOriginTimeout
	ErrUnreachable = failure.ErrOriginUnreachable
)

// Config holds the origin and its timeouts.
type Config struct {
	URL                   *url.URL      // scheme://host[:port][/base path]
	DialTimeout           time.Duration // TCP connect (default 3s)
	TLSHandshakeTimeout   time.Duration // default 5s
	ResponseHeaderTimeout time.Duration // request written → response headers (default 10s)
	Timeout               time.Duration // no progress this long (no headers, no body bytes while reading) cuts the exchange (default 30s)
	MaxIdleConns          int           // idle keep-alive connections kept (default 256)
	MaxConns              int           // connections at most, 0 = unbounded
	MaxFills              int           // concurrent fills from this origin, 0 = only the edge's total cap
	InsecureSkipVerify    bool
	Via                   string // pseudonym in Via (default "streamedge")
	CDNID                 string // this edge's cdn-id, added to CDN-Loop (RFC 8586) on every origin request; "" for none
	UserAgent             string // sent on fills (default "streamedge")
	// AddHeaders are set on every origin request, fills and pass-through
	// (e.g. a secret the origin checks); never framing or hop-by-hop headers.
	AddHeaders http.Header
}

// Client fetches from one origin.
type Client struct {
	cfg       Config
	transport *http.Transport
	held      *http.Transport           // for requests the origin may hold (FillRequest.Hold): no header timeout of its own
	fills     *semaphore.Weighted       // nil: no cap of the origin's own
	prepare   func(*http.Request) error // last step before a fill is sent (S3 signing), may be nil
}

// New validates cfg and builds the transport.
func New(cfg Config) (*Client, error) {
	if cfg.URL == nil || (cfg.URL.Scheme != "http" && cfg.URL.Scheme != "https") || cfg.URL.Host == "" {
		return nil, fmt.Errorf("origin URL must be http(s)://host[:port]")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.DialTimeout, DefaultDialTimeout)
	def(&cfg.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	def(&cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
	def(&cfg.Timeout, DefaultTimeout)
	if cfg.MaxIdleConns <= 0 {
		cfg.MaxIdleConns = 256
	}
	if cfg.Via == "" {
		cfg.Via = "streamedge"
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "streamedge"
	}
	dialer := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                  nil, // an edge talks to its origin directly
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    cfg.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  min(cfg.ResponseHeaderTimeout, cfg.Timeout), // no headers is no progress too
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           cfg.MaxIdleConns,
		MaxIdleConnsPerHost:    cfg.MaxIdleConns,
		MaxConnsPerHost:        cfg.MaxConns,
		IdleConnTimeout:        90 * time.Second,
		DisableCompression:     true, // bodies are cached as the origin encoded them
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: cfg.InsecureSkipVerify}, //nolint:gosec // operator's choice
	}
	held := t.Clone()
	held.ResponseHeaderTimeout = 0 // roundTripHeld bounds the wait per request
	c := &Client{cfg: cfg, transport: t, held: held}
	if cfg.MaxFills > 0 {
		c.fills = semaphore.NewWeighted(int64(cfg.MaxFills))
	}
	return c, nil
}

// AcquireFill takes one of the origin's fill slots (Config.MaxFills), waiting
// until ctx ends; release gives it back.
func (c *Client) AcquireFill(ctx context.Context) (release func(), err error) {
	if c.fills == nil {
		return func() {}, nil
	}
	if err := c.fills.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	return func() { c.fills.Release(1) }, nil
}

// Timeout is how long an origin body may make no progress.
func (c *Client) Timeout() time.Duration { return c.cfg.Timeout }

// Transport is the shared transport (for the pass-through proxy and tests).
func (c *Client) Transport() *http.Transport { return c.transport }

// Close drops idle origin connections.
func (c *Client) Close() {
	c.transport.CloseIdleConnections()
	c.held.CloseIdleConnections()
}

// Classify maps a transport error to ErrTimeout or ErrUnreachable, keeping
// the cause.
func Classify(err error) error {
	if err == nil || errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnreachable) {
		return err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}

// Ping checks that the origin accepts a TCP connection (for /readyz).
func (c *Client) Ping(ctx context.Context) error {
	host := c.cfg.URL.Host
	if c.cfg.URL.Port() == "" {
		port := "80"
		if c.cfg.URL.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(c.cfg.URL.Hostname(), port)
	}
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return Classify(err)
	}
	return conn.Close()
}
