package edge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"testing"
	"time"
)

// fastPair is a connection accepted through FastListener and its client end.
func fastPair(t *testing.T) (*idleReadConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := FastListener(ln)
	defer fl.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	c, err := fl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	ic, ok := c.(*idleReadConn)
	if !ok {
		if runtime.GOOS != "linux" {
			t.Skip("FastListener wraps connections on Linux only")
		}
		t.Fatalf("accepted %T, want *idleReadConn", c)
	}
	return ic, client
}

// TestFastListenerServesSmallReadsFromOneRead: fasthttp's 1-byte wait and
// the read after it get the request from the one read the connection made
// once bytes arrived, and the borrowed buffer goes back once it is drained.
func TestFastListenerServesSmallReadsFromOneRead(t *testing.T) {
	c, client := fastPair(t)
	req := []byte("GET /a.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := client.Write(req); err != nil {
		t.Fatal(err)
	}
	var one [1]byte
	if n, err := c.Read(one[:]); n != 1 || err != nil || one[0] != 'G' {
		t.Fatalf("first read: %d %v %q", n, err, one[:n])
	}
	if c.buf == nil || len(c.pending) != len(req)-1 {
		t.Fatalf("after the first byte: buf %v, %d pending, want the rest of the request (%d)", c.buf != nil, len(c.pending), len(req)-1)
	}
	rest := make([]byte, 100)
	n, err := c.Read(rest)
	if err != nil || !bytes.Equal(rest[:n], req[1:]) {
		t.Fatalf("second read: %d %v %q", n, err, rest[:n])
	}
	if c.buf != nil || len(c.pending) != 0 {
		t.Fatal("the buffer is still held after the request was drained")
	}
}

// TestFastListenerPendingLargerThanTheRead: a read smaller than what is
// pending gets its share; the rest stays for the next reads.
func TestFastListenerPendingLargerThanTheRead(t *testing.T) {
	c, client := fastPair(t)
	if _, err := client.Write([]byte("abcdefgh")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	for len(got) < 8 {
		p := make([]byte, 3)
		n, err := c.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p[:n]...)
	}
	if string(got) != "abcdefgh" || c.buf != nil {
		t.Fatalf("got %q (buffer held: %v)", got, c.buf != nil)
	}
}

// TestFastListenerIdleWaitHonoursDeadline: waiting for the next request
// ends at the read deadline (fasthttp's idle timeout) with a timeout error,
// holding no buffer.
func TestFastListenerIdleWaitHonoursDeadline(t *testing.T) {
	c, _ := fastPair(t)
	_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var one [1]byte
	_, err := c.Read(one[:])
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("idle read: %v, want a timeout", err)
	}
	if c.buf != nil {
		t.Fatal("a buffer is held by a connection that received nothing")
	}
}

// TestFastListenerEOFAndLargeReads: a large read goes straight to the
// socket; a closed peer is io.EOF.
func TestFastListenerEOFAndLargeReads(t *testing.T) {
	c, client := fastPair(t)
	body := bytes.Repeat([]byte("x"), 10000)
	go func() { _, _ = client.Write(body); _ = client.Close() }()
	got, err := io.ReadAll(io.LimitReader(struct{ io.Reader }{c}, 1<<20))
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	var one [1]byte
	if _, err := c.Read(one[:]); err != io.EOF {
		t.Fatalf("after the peer closed: %v, want io.EOF", err)
	}
}

// TestFastListenerHeldHeadLeavesWithTheBody: a head kept back (holdHead)
// is not sent until the body's first write takes it along, in order; a
// head with no body after it goes alone (flushHead), as does one too large
// to keep, before what follows it.
func TestFastListenerHeldHeadLeavesWithTheBody(t *testing.T) {
	c, client := fastPair(t)
	read := func(n int) string {
		t.Helper()
		_ = client.SetReadDeadline(time.Now().Add(2 * time.Second))
		b := make([]byte, n)
		if _, err := io.ReadFull(client, b); err != nil {
			t.Fatalf("client read: %v", err)
		}
		return string(b)
	}
	c.holdHead()
	if n, err := c.Write([]byte("HEAD\r\n")); n != 6 || err != nil {
		t.Fatalf("held write: %d, %v", n, err)
	}
	_ = client.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var one [1]byte
	if n, _ := client.Read(one[:]); n != 0 {
		t.Fatal("a held head was sent before its body")
	}
	body := bytes.Repeat([]byte("b"), 3<<20) // more than the socket takes at once: writev's partial writes
	done := make(chan error, 1)
	go func() {
		n, err := c.writeWithHead(body)
		if err == nil && n != len(body) {
			err = fmt.Errorf("wrote %d of %d", n, len(body))
		}
		done <- err
	}()
	if got := read(6); got != "HEAD\r\n" {
		t.Fatalf("first bytes %q, want the head", got)
	}
	if got := read(len(body)); got != string(body) {
		t.Fatal("the body after the head differs")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	c.holdHead()
	_, _ = c.Write([]byte("ALONE\r\n"))
	if err := c.flushHead(); err != nil {
		t.Fatal(err)
	}
	if got := read(7); got != "ALONE\r\n" {
		t.Fatalf("flushed head %q", got)
	}

	c.holdHead()
	big := bytes.Repeat([]byte("h"), maxHeldHead)
	_, _ = c.Write([]byte("X"))
	_, _ = c.Write(big) // too much to keep: what was kept, then this, go out
	if got := read(1 + len(big)); got != "X"+string(big) {
		t.Fatal("an oversized head came out of order")
	}
}

// TestFastListenerHeldHeadWriteTimesOut: writeWithHead gives up at the
// write deadline when the client reads nothing, with a timeout error.
func TestFastListenerHeldHeadWriteTimesOut(t *testing.T) {
	c, client := fastPair(t)
	_ = client.(*net.TCPConn).SetReadBuffer(16 << 10)
	c.holdHead()
	_, _ = c.Write([]byte("HEAD\r\n"))
	_ = c.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.writeWithHead(bytes.Repeat([]byte("b"), 32<<20))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("write to a client reading nothing: %d, %v; want a timeout", n, err)
	}
}

// TestFastListenerLingersOverUnreadBytes: a connection closed with the
// client's bytes unread (fasthttp's 431 for an oversized head) half-closes
// and drains, so the client reads the answer and an EOF, not a reset; with
// nothing unread it closes at once.
func TestFastListenerLingersOverUnreadBytes(t *testing.T) {
	c, client := fastPair(t)
	if _, err := client.Write(bytes.Repeat([]byte("x"), 64<<10)); err != nil {
		t.Fatal(err)
	}
	var one [1]byte
	if _, err := c.Read(one[:]); err != nil { // the head's first bytes; the rest stays unread
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, err := c.Write([]byte("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	go func() { _, _ = client.Write(bytes.Repeat([]byte("y"), 32<<10)) }() // still sending
	_ = client.SetReadDeadline(time.Now().Add(2 * time.Second))
	got, err := io.ReadAll(client)
	if err != nil || !bytes.HasPrefix(got, []byte("HTTP/1.1 431")) {
		t.Fatalf("client read %q, %v; want the 431 and an EOF", got, err)
	}
	if len(c.conns.lingering) != 0 {
		time.Sleep(lingerCloseFor + 200*time.Millisecond)
	}
	if n := len(c.conns.lingering); n != 0 {
		t.Errorf("%d lingering closes still hold a slot", n)
	}
	if n := c.conns.Lingered(); n != 1 {
		t.Errorf("lingered %d, want 1", n)
	}

	quiet, qclient := fastPair(t)
	_ = quiet.Close()
	if n := len(quiet.conns.lingering); n != 0 {
		t.Errorf("a connection with nothing unread lingers (%d)", n)
	}
	_ = qclient.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := qclient.Read(one[:]); err != io.EOF {
		t.Errorf("client of a closed quiet connection: %v, want EOF", err)
	}
}

// TestFastListenerHeldHeadIsNotKept: once a held head is sent (with a body
// or alone) the connection keeps no buffer for it while idle.
func TestFastListenerHeldHeadIsNotKept(t *testing.T) {
	c, client := fastPair(t)
	go func() { _, _ = io.Copy(io.Discard, client) }()
	c.holdHead()
	_, _ = c.Write([]byte("HEAD\r\n"))
	if _, err := c.writeWithHead([]byte("body")); err != nil {
		t.Fatal(err)
	}
	if c.held != nil || c.holding {
		t.Fatalf("after writeWithHead: held %d bytes (cap %d), holding %v", len(c.held), cap(c.held), c.holding)
	}
	c.holdHead()
	_, _ = c.Write([]byte("HEAD\r\n"))
	if err := c.flushHead(); err != nil {
		t.Fatal(err)
	}
	if c.held != nil || c.holding {
		t.Fatalf("after flushHead: held cap %d, holding %v", cap(c.held), c.holding)
	}
}
