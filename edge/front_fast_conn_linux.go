package edge

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
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

// writeWithHead writes the head held (holdHead) and p in one writev, as
// many as the socket takes within the write deadline, and returns how much
// of p went. Without a held head it is a plain Write.
func (c *idleReadConn) writeWithHead(p []byte) (int, error) {
	head := c.held
	if !c.holding || len(head) == 0 {
		c.holding, c.held = false, nil
		return c.Conn.Write(p)
	}
	c.holding = false
	var sent int
	var werr error
	err := c.raw.Write(func(fd uintptr) bool {
		for sent < len(head)+len(p) {
			var iov [2]syscall.Iovec
			k := 0
			if sent < len(head) {
				iov[k].Base, k = &head[sent], k+1
				iov[k-1].SetLen(len(head) - sent)
			}
			if off := max(sent-len(head), 0); off < len(p) {
				iov[k].Base, k = &p[off], k+1
				iov[k-1].SetLen(len(p) - off)
			}
			n, _, e := syscall.Syscall(syscall.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&iov[0])), uintptr(k))
			switch e {
			case 0:
				sent += int(n)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // wait until writable, under the deadline
			default:
				werr = e
				return true
			}
		}
		return true
	})
	c.held = nil // an idle connection keeps no buffer
	n := max(sent-len(head), 0)
	if werr == nil {
		werr = err
	}
	if werr != nil {
		return n, &net.OpError{Op: "write", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: wrapSyscall("writev", werr)}
	}
	return n, nil
}

func wrapSyscall(name string, err error) error {
	if errno, ok := err.(syscall.Errno); ok {
		return os.NewSyscallError(name, errno)
	}
	return err // a deadline or a closed connection, from the poller
}

// unreadInKernel reports bytes received and not read (FIONREAD).
func (c *idleReadConn) unreadInKernel() bool {
	n := 0
	_ = c.raw.Control(func(fd uintptr) {
		var v int32
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&v))); e == 0 {
			n = int(v)
		}
	})
	return n > 0
}
