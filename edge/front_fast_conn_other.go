//go:build !linux

package edge

import "net"

// newIdleReadConn leaves c as it is off Linux.
func newIdleReadConn(c net.Conn) net.Conn { return c }

func (c *idleReadConn) readIdle() error { panic("unreachable") }

func (c *idleReadConn) writeWithHead(p []byte) (int, error) { return c.Conn.Write(p) }

func (c *idleReadConn) unreadInKernel() bool { return false }
