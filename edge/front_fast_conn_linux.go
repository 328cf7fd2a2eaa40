package edge

import (
	"io"
	"net"
	"os"
	"syscall"
)

// newIdleReadConn wraps c when its socket can be polled (a TCP connection,
// maybe behind the limits' wrapper, which forwards SyscallConn).
func newIdleReadConn(c net.Conn) net.Conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	ic := &idleReadConn{Conn: c, raw: rc}
	ic.readFn = ic.readFd
	return ic
}

// readIdle waits until the socket is readable (honouring the read
// deadline), then reads what arrived into a borrowed buffer: pending.
func (c *idleReadConn) readIdle() error {
	c.rn, c.rerr = 0, nil
	err := c.raw.Read(c.readFn)
	switch n, rerr := c.rn, c.rerr; {
	case err != nil:
		c.giveBack()
		return err
	case rerr != nil:
		c.giveBack()
		return &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("read", rerr)}
	case n <= 0:
		c.giveBack()
		return io.EOF
	default:
		c.pending = (*c.buf)[:n]
		return nil
	}
}

// readFd is readIdle's read of the ready socket (kept as c.readFn: a
// closure made each read was an allocation a request).
func (c *idleReadConn) readFd(fd uintptr) bool {
	b := idleReadBufs.Get().(*[]byte)
	for {
		c.rn, c.rerr = syscall.Read(int(fd), *b)
		if c.rerr != syscall.EINTR {
			break
		}
	}
	if c.rerr == syscall.EAGAIN {
		idleReadBufs.Put(b) // nothing yet: wait holding nothing
		c.rerr = nil
		return false
	}
	c.buf = b
	return true
}

// cork holds (on) or releases (off) partial segments: the head fasthttp
// flushes alone leaves with the first bytes of the body that follows it.
func (c *idleReadConn) cork(on bool) {
	v := 0
	if on {
		v = 1
	}
	_ = c.raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, v)
	})
}
