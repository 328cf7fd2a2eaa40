package edge

import (
	"errors"
	"sync"
	"time"
)

// lateBy is how much later than set a FastListener connection's deadline
// may fire, as a fraction of what was left of it when the socket got it:
// an eighth (a 10 s header timeout cuts within 11.25 s, never before 10).
const lateBy = 8

// deadlines holds an idleReadConn's read and write deadlines. fasthttp sets
// three a request (the idle wait's, the header read's and the response
// write's), and each one given to the socket is a runtime timer changed:
// 3.7 % of the edge's CPU on a 1 KiB hit. Here a deadline reaches the socket
// only when the one the socket has is not within the slack after it, so a
// busy connection changes its timers about once an eighth of a timeout.
// A read deadline reaches it only when a read needs the socket: the header
// read's deadline, set after the idle wait's read took in the whole
// request, is mostly never armed. A deadline is never armed early.
type deadlines struct {
	mu          sync.Mutex
	read, write deadline
	reading     bool // a read is in the socket: a new read deadline is armed at once
}

// deadline is one direction's: want is the last set, armed the socket's,
// at most late after the deadline it was armed for.
type deadline struct {
	want, armed time.Time
	late        time.Duration
}

// holds reports whether the armed deadline serves for want: not sooner,
// and not more than the armed one's slack later.
func (d *deadline) holds() bool {
	if d.want.IsZero() || d.armed.IsZero() {
		return d.want.IsZero() && d.armed.IsZero()
	}
	return !d.armed.Before(d.want) && d.armed.Sub(d.want) <= d.late
}

// arm gives the socket want plus the slack, through set.
func (d *deadline) arm(set func(time.Time) error) error {
	t, late := d.want, time.Duration(0)
	if !t.IsZero() {
		if left := time.Until(t); left > 0 {
			late = left / lateBy
		}
	}
	if err := set(t.Add(late)); err != nil {
		d.armed = time.Time{}
		return err
	}
	d.armed, d.late = t.Add(late), late
	return nil
}

// SetReadDeadline records t; the socket gets it when a read needs it.
func (c *idleReadConn) SetReadDeadline(t time.Time) error {
	c.dl.mu.Lock()
	defer c.dl.mu.Unlock()
	c.dl.read.want = t
	if c.dl.reading && !c.dl.read.holds() {
		return c.dl.read.arm(c.Conn.SetReadDeadline)
	}
	return nil
}

// SetWriteDeadline gives the socket t unless the deadline it has serves.
func (c *idleReadConn) SetWriteDeadline(t time.Time) error {
	c.dl.mu.Lock()
	defer c.dl.mu.Unlock()
	c.dl.write.want = t
	if !c.dl.write.holds() {
		return c.dl.write.arm(c.Conn.SetWriteDeadline)
	}
	return nil
}

func (c *idleReadConn) SetDeadline(t time.Time) error {
	return errors.Join(c.SetReadDeadline(t), c.SetWriteDeadline(t))
}

// enterRead arms the read deadline for a read that needs the socket;
// leaveRead follows that read.
func (c *idleReadConn) enterRead() error {
	c.dl.mu.Lock()
	defer c.dl.mu.Unlock()
	c.dl.reading = true
	if !c.dl.read.holds() {
		return c.dl.read.arm(c.Conn.SetReadDeadline)
	}
	return nil
}

func (c *idleReadConn) leaveRead() {
	c.dl.mu.Lock()
	c.dl.reading = false
	c.dl.mu.Unlock()
}
