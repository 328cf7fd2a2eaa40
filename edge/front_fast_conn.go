package edge

import (
	"net"
	"sync"
	"sync/atomic"
)

// idleReadBytes is the buffer a connection borrows, once its next request
// has arrived, to read it in one syscall.
const idleReadBytes = 4 << 10

var idleReadBufs = sync.Pool{New: func() any { b := make([]byte, idleReadBytes); return &b }}

// FastListener wraps -listen's plain TCP listener for the fasthttp front
// end. fasthttp runs with ReduceMemoryUsage (NewFastServer): a keep-alive
// connection gives its buffers back between requests and waits for the next
// one with a 1-byte read, then reads the rest: two read syscalls a request.
// Each connection here waits for readability with no buffer at all (the
// poller, not a read), and only then borrows a pooled buffer for one read
// of everything that arrived; the 1-byte read and the one after it are
// served from that buffer, which goes back to the pool once drained. So an
// idle connection still holds no buffer, and a request costs one read.
// Connections that cannot be polled this way are returned as they are.
func FastListener(ln net.Listener) net.Listener { return NewFastConns().Listener(ln) }

// FastConns is what the FastListeners of one server share: the bound on
// connections closing with care (lingerClose) and their count.
type FastConns struct {
	lingering chan struct{} // a slot per connection lingering
	lingered  atomic.Int64
}

func NewFastConns() *FastConns { return &FastConns{lingering: make(chan struct{}, maxLingeringCloses)} }

// Listener is FastListener(ln) sharing these connections' bound.
func (fc *FastConns) Listener(ln net.Listener) net.Listener { return fastListener{ln, fc} }

// Lingered counts the connections closed with care so far
// (streamedge_lingering_closes_total).
func (fc *FastConns) Lingered() int64 { return fc.lingered.Load() }

type fastListener struct {
	net.Listener
	conns *FastConns
}

func (l fastListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if ic, ok := newIdleReadConn(c).(*idleReadConn); ok {
		ic.conns = l.conns
		return ic, nil
	}
	return c, nil
}

// idleReadConn serves small reads from a buffer it borrows only once bytes
// have arrived (readIdle).
type idleReadConn struct {
	net.Conn
	raw     rawReader
	buf     *[]byte // borrowed from idleReadBufs while pending is not empty
	pending []byte
	dl      deadlines
	holding bool                  // a response head is being kept back (holdHead)
	held    []byte                // the head kept (nil once sent)
	readFn  func(fd uintptr) bool // readIdle's, made once
	conns   *FastConns            // its listener's (lingering closes)
	closed  atomic.Bool           // Close ran (lingering or not)
	rn      int                   // what readFn's read returned
	rerr    error
}

// rawReader is syscall.RawConn's Read, Write and Control.
type rawReader interface {
	Read(f func(fd uintptr) (done bool)) error
	Write(f func(fd uintptr) (done bool)) error
	Control(f func(fd uintptr)) error
}

// headHolder is a connection that can keep a response head back and send
// it with the body's first bytes in one syscall (idleReadConn).
type headHolder interface {
	holdHead()                           // keep what is written from now until writeWithHead
	writeWithHead(p []byte) (int, error) // the head kept and p, in one writev
	flushHead() error                    // the head kept, alone (no body followed)
}

// maxHeldHead bounds what holdHead keeps: beyond it writes go out as usual.
const maxHeldHead = 16 << 10

// holdHead keeps the next writes (fasthttp's flush of a response head)
// back until writeWithHead sends them with the body: one syscall for both,
// and the head leaves in the body's first segment.
func (c *idleReadConn) holdHead() { c.holding, c.held = true, nil }

// Write keeps a held head back; anything else goes to the connection.
func (c *idleReadConn) Write(p []byte) (int, error) {
	if c.holding && len(c.held)+len(p) <= maxHeldHead {
		c.held = append(c.held, p...)
		return len(p), nil
	}
	if err := c.flushHead(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// flushHead sends a head held with nothing after it.
func (c *idleReadConn) flushHead() error {
	if !c.holding {
		return nil
	}
	c.holding = false
	head := c.held
	c.held = nil // an idle connection keeps no buffer
	for len(head) > 0 {
		n, err := c.Conn.Write(head)
		if err != nil {
			return err
		}
		head = head[n:]
	}
	return nil
}

// Read serves what is pending first; a read smaller than the pool's
// buffer (fasthttp's 1-byte wait for the next request, or the read after
// it) waits with no buffer and borrows one for the read itself.
func (c *idleReadConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		if len(c.pending) == 0 {
			c.giveBack()
		}
		return n, nil
	}
	if err := c.enterRead(); err != nil {
		return 0, err
	}
	defer c.leaveRead()
	if len(p) == 0 || len(p) >= idleReadBytes {
		return c.Conn.Read(p)
	}
	if err := c.readIdle(); err != nil {
		return 0, err
	}
	n := copy(p, c.pending)
	if c.pending = c.pending[n:]; len(c.pending) == 0 {
		c.giveBack()
	}
	return n, nil
}

func (c *idleReadConn) giveBack() {
	if c.buf != nil {
		idleReadBufs.Put(c.buf)
		c.buf, c.pending = nil, nil
	}
}

// CloseWrite keeps the half-close a wrapped connection has.
func (c *idleReadConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
