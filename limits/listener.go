package limits

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// refusalBody is the one-line body of the 503 a refused connection gets.
const refusalBody = "503 too many connections, retry shortly\n"

var refusal = []byte("HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalBody)) + "\r\n" +
	"Cache-Control: no-store\r\n" +
	"Retry-After: 1\r\n" +
	"Connection: close\r\n\r\n" + refusalBody)

const (
	maxLingering = 256                    // refused connections answered with care at once; beyond, at once
	lingerFor    = 250 * time.Millisecond // bound on reading a refused connection's request head
)

// Listener wraps l with the connection limits of cfg (MaxConns,
// MaxConnsPerIP, MaxTrackedIPs). A connection over a limit never reaches the
// server: it gets a 503 written on the socket and is closed. With neither
// connection limit set, l is only wrapped to count connections.
func Listener(l net.Listener, cfg Config, m *Metrics) net.Listener {
	cfg = cfg.withDefaults()
	return &listener{Listener: l, cfg: cfg, m: m,
		perIP:  newIPTable(cfg.MaxTrackedIPs, 0, m.addTracked),
		linger: make(chan struct{}, maxLingering)}
}

type listener struct {
	net.Listener
	cfg    Config
	m      *Metrics
	linger chan struct{}

	mu    sync.Mutex
	total int
	perIP *ipTable
}

// Accept returns the next admitted connection; refused ones are answered and
// closed without returning.
func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		e, limit := l.admit(c)
		if limit == "" {
			l.m.addConns(1)
			return &conn{Conn: c, l: l, e: e}, nil
		}
		l.m.reject(limit)
		l.refuse(c)
	}
}

// admit counts c in or names the limit it exceeds.
func (l *listener) admit(c net.Conn) (*ipEntry, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cfg.MaxConns > 0 && l.total >= l.cfg.MaxConns {
		return nil, LimitConns
	}
	var e *ipEntry
	if l.cfg.MaxConnsPerIP > 0 {
		if key, ok := netAddrKey(c.RemoteAddr()); ok {
			e, _ = l.perIP.get(key, time.Time{})
			if e.conns >= l.cfg.MaxConnsPerIP {
				return nil, LimitConnsPerIP
			}
			e.conns++
		}
	}
	l.total++
	return e, ""
}

func (l *listener) release(e *ipEntry) {
	l.mu.Lock()
	l.total--
	if e != nil {
		e.conns--
		if e.conns <= 0 {
			l.perIP.remove(e)
		}
	}
	l.mu.Unlock()
	l.m.addConns(-1)
}

// refuse answers c with the 503 and closes it. It first reads the request
// head (briefly) so that clients that only read after writing, like Go's
// http.Transport, see an answer rather than an unsolicited response, then
// half-closes and drains so the close does not reset the connection before the
// client has read the answer. At most maxLingering are handled so at once;
// beyond that the 503 is written and the connection closed at once.
func (l *listener) refuse(c net.Conn) {
	select {
	case l.linger <- struct{}{}:
	default:
		_ = c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
		_, _ = c.Write(refusal)
		_ = c.Close()
		return
	}
	go func() {
		defer func() { <-l.linger }()
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(lingerFor))
		readHead(c)
		_ = c.SetDeadline(time.Now().Add(lingerFor / 2))
		if _, err := c.Write(refusal); err != nil {
			return
		}
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}()
}

// readHead reads from c until the end of a request head (an empty line), 4
// KiB, an error or c's deadline.
func readHead(c net.Conn) {
	buf := make([]byte, 4<<10)
	n := 0
	for n < len(buf) {
		k, err := c.Read(buf[n:])
		n += k
		if bytes.Contains(buf[max(0, n-k-3):n], []byte("\r\n\r\n")) || err != nil {
			return
		}
	}
}

// conn releases its place in the limits once, on Close.
type conn struct {
	net.Conn
	l    *listener
	e    *ipEntry
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.e) })
	return err
}

// CloseWrite lets net/http half-close the connection before it closes it
// after an error response (so the client reads the answer, not a reset).
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps the underlying connection's zero-copy path (sendfile,
// splice) that net/http uses when it is available.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// SyscallConn lets a front end poll the socket itself (the fasthttp front
// end's edge.FastListener waits for a request with no buffer).
func (c *conn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.New("limits: connection has no file descriptor")
}
