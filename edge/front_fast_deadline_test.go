package edge

import (
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// armCounter counts the deadlines that reach the socket.
type armCounter struct {
	net.Conn
	reads, writes atomic.Int64
}

func (c *armCounter) SetReadDeadline(t time.Time) error {
	c.reads.Add(1)
	return c.Conn.SetReadDeadline(t)
}

func (c *armCounter) SetWriteDeadline(t time.Time) error {
	c.writes.Add(1)
	return c.Conn.SetWriteDeadline(t)
}

func countArms(c *idleReadConn) *armCounter {
	a := &armCounter{Conn: c.Conn}
	c.Conn = a
	return a
}

// TestFastDeadlinesArmRarelyOnABusyConnection: 200 keep-alive requests
// with fasthttp's three deadlines each (idle wait, header read, response
// write) change the socket's timers a few times, not 600: the header
// read's deadline is never needed (the idle wait's read took the whole
// request), the idle and write ones are still served by what is armed.
func TestFastDeadlinesArmRarelyOnABusyConnection(t *testing.T) {
	c, client := fastPair(t)
	arms := countArms(c)
	req := []byte("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 64)
	for i := range 200 {
		if _, err := client.Write(req); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(120 * time.Second))
		if _, err := c.Read(buf[:1]); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, err := c.Read(buf); err != nil || n != len(req)-1 {
			t.Fatalf("request %d: read %d, %v", i, n, err)
		}
		_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		if _, err := client.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	if r, w := arms.reads.Load(), arms.writes.Load(); r > 2 || w > 2 {
		t.Errorf("200 requests armed %d read and %d write deadlines, want at most 2 each", r, w)
	}
}

// TestFastDeadlineNeededIsArmed: a header read that must wait on the
// socket (a request arriving in pieces: slowloris) gets the header
// deadline, not the longer idle one armed before it; it fires no sooner
// than set and within its slack.
func TestFastDeadlineNeededIsArmed(t *testing.T) {
	c, client := fastPair(t)
	_ = c.SetReadDeadline(time.Now().Add(time.Hour))
	if _, err := client.Write([]byte("GET /a HTT")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := c.Read(buf[:1]); err != nil {
		t.Fatal(err)
	}
	const d = 400 * time.Millisecond
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(d))
	if _, err := c.Read(buf); err != nil { // what is pending
		t.Fatal(err)
	}
	_, err := c.Read(buf) // the rest never comes
	took := time.Since(start)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read of a stalled header: %v, want a timeout", err)
	}
	if took < d || took > d+d/lateBy+300*time.Millisecond {
		t.Errorf("the header deadline %v fired after %v, want within [%v, %v + slack]", d, took, d, d+d/lateBy)
	}
}

// TestFastDeadlineCutsARead: a deadline set while a read waits in the
// socket (another goroutine ending the connection's wait) applies at once.
func TestFastDeadlineCutsARead(t *testing.T) {
	c, _ := fastPair(t)
	_ = c.SetReadDeadline(time.Now().Add(time.Hour))
	done := make(chan error, 1)
	go func() {
		var one [1]byte
		_, err := c.Read(one[:])
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	_ = c.SetReadDeadline(time.Now())
	select {
	case err := <-done:
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("cut read: %v, want a timeout", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a read deadline set in the past did not end the waiting read")
	}
}

// TestFastDeadlineCleared: a zero deadline after a set one reaches the
// socket before the next read (no deadline then).
func TestFastDeadlineCleared(t *testing.T) {
	c, client := fastPair(t)
	_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var one [1]byte
	if _, err := c.Read(one[:]); err == nil {
		t.Fatal("read with nothing sent returned")
	}
	_ = c.SetReadDeadline(time.Time{})
	go func() {
		time.Sleep(150 * time.Millisecond)
		_, _ = client.Write([]byte("x"))
	}()
	if _, err := c.Read(one[:]); err != nil {
		t.Fatalf("read without a deadline: %v", err)
	}
}
