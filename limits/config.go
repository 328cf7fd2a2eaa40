package limits

import "math"

// Defaults for the zero values of Config.
const (
	DefaultMaxURILength   = 8192
	DefaultMaxHeaderBytes = 32 << 10
	DefaultMaxTrackedIPs  = 100000
)

// Config sets the limits; the zero value limits URI length, header bytes and
// tracked IPs to their defaults and nothing else.
type Config struct {
	MaxConns       int     // concurrent client connections in all; 0 = unlimited; beyond → 503 on the socket
	MaxConnsPerIP  int     // concurrent connections per client IP (IPv6: per /64); 0 = unlimited; beyond → 503
	MaxURILength   int     // request-target bytes; 0 = DefaultMaxURILength; longer → 414
	MaxHeaderBytes int     // sum of header names and values; 0 = DefaultMaxHeaderBytes; more → 431
	RatePerIP      float64 // requests per second per client IP; 0 = off; beyond → 429 with Retry-After
	RateBurst      int     // requests a client may make at once (default: RatePerIP rounded up, at least 1)
	MaxTrackedIPs  int     // bound on per-IP entries in each table; 0 = DefaultMaxTrackedIPs
}

func (c Config) withDefaults() Config {
	if c.MaxConns < 0 {
		c.MaxConns = 0
	}
	if c.MaxConnsPerIP < 0 {
		c.MaxConnsPerIP = 0
	}
	if c.MaxURILength <= 0 {
		c.MaxURILength = DefaultMaxURILength
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.RatePerIP < 0 || math.IsNaN(c.RatePerIP) || math.IsInf(c.RatePerIP, 0) {
		c.RatePerIP = 0
	}
	if c.RatePerIP > 0 && c.RateBurst <= 0 {
		c.RateBurst = max(1, int(math.Ceil(c.RatePerIP)))
	}
	if c.MaxTrackedIPs <= 0 {
		c.MaxTrackedIPs = DefaultMaxTrackedIPs
	}
	return c
}

// ServerMaxHeaderBytes is the value for http.Server.MaxHeaderBytes: a little
// above MaxHeaderBytes and MaxURILength together, so that Handler's 414 and
// 431 (counted, with a clear body) answer first and the server's own limit
// stays the hard memory bound behind them.
func (c Config) ServerMaxHeaderBytes() int {
	c = c.withDefaults()
	return c.MaxHeaderBytes + c.MaxURILength + 8<<10
}
