package edge

import (
	"io"
	"time"
)

// A connection fasthttp closes with the client's bytes still unread (it
// answered a request it would not read, 431 for an oversized head, 413,
// 400, and closes at once) would be reset by the kernel, and the client
// could lose the answer before reading it: a client still writing a 40 KB
// request line got a reset instead of its 431 about 1 time in 10. Such a
// connection is half-closed after the answer and drained for a moment
// first, as net/http does (closeWriteAndWait). At most maxLingeringCloses
// of a listener at once; beyond, they close at once.
const (
	maxLingeringCloses = 256
	lingerCloseFor     = 500 * time.Millisecond
	lingerCloseBytes   = 256 << 10
)

// Close closes the connection, lingering when bytes are still unread.
func (c *idleReadConn) Close() error {
	if c.closed.Swap(true) {
		return nil // closed, or lingering
	}
	// Only the socket is asked: fasthttp's Shutdown closes idle connections
	// from its own goroutine, while theirs may be reading (pending).
	if c.conns == nil || !c.unreadInKernel() {
		return c.Conn.Close()
	}
	select {
	case c.conns.lingering <- struct{}{}:
		c.conns.lingered.Add(1)
	default:
		return c.Conn.Close()
	}
	go c.lingerClose()
	return nil
}

// lingerClose sends the FIN after what was written, reads what the client
// is still sending for up to lingerCloseFor, then closes.
func (c *idleReadConn) lingerClose() {
	defer func() { <-c.conns.lingering }()
	defer c.Conn.Close()
	_ = c.CloseWrite()
	_ = c.Conn.SetReadDeadline(time.Now().Add(lingerCloseFor))
	_, _ = io.CopyN(io.Discard, c.Conn, lingerCloseBytes)
}
