package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

var pieceBodies = sync.Pool{New: func() any { return &pieceBody{} }}

// pieceBody is a whole body in hand (store slices), written by fasthttp
// with WriteTo: large slices go to the socket without a copy, each slice
// within the client write timeout; Close releases the hits.
type pieceBody struct {
	arr    [4][]byte
	pieces [][]byte
	heldHits
	conn    net.Conn
	timeout time.Duration
	fx      *fastExchange // finished on Close
	sent    int64
	direct  bool       // written by writeDirect
	holder  headHolder // the connection keeping the head for writeDirect's first write
}

func (b *pieceBody) Read(p []byte) (int, error) {
	for len(b.pieces) > 0 && len(b.pieces[0]) == 0 {
		b.pieces = b.pieces[1:]
	}
	if len(b.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.pieces[0])
	b.pieces[0] = b.pieces[0][n:]
	b.sent += int64(n)
	return n, nil
}

func (b *pieceBody) SupportsBodyWriteTo() bool { return true }

func (b *pieceBody) WriteTo(w io.Writer) (int64, error) {
	if b.direct {
		return b.writeDirect()
	}
	var n int64
	for _, p := range b.pieces {
		for len(p) > 0 {
			k := min(len(p), writeSlice)
			if len(p) > writeSlice || n > 0 {
				_ = b.conn.SetWriteDeadline(time.Now().Add(b.timeout))
			}
			m, err := w.Write(p[:k])
			n += int64(m)
			b.sent += int64(m)
			if err != nil {
				return n, err
			}
			p = p[k:]
		}
	}
	b.pieces = nil
	return n, nil
}

// directBodyBytes: a body in hand larger than this, on a plain TCP
// connection, is written straight to it after fasthttp has flushed the head
// (ImmediateHeaderFlush), which the connection keeps back (holdHead): the
// head and the body's first directWriteBytes leave in one writev, the rest
// in writes of directWriteBytes. Written as a buffered head and 256 KiB
// writes, a 2 MiB hit cost wrk 1.8x the system time per response (wrk -t2
// -c64, /usr/bin/time): on a machine the client shares, that is throughput.
const directBodyBytes = 64 << 10

// directWriteBytes is writeDirect's write: 2 MiB hits measured (wrk -t2
// -c64, 6 s rounds alternated, mean) 10.3k a round written whole, 10.6k in
// 1 MiB writes, 11.1k in 512 KiB and 10.65k in 256 KiB; ATS, writing about
// 1 MiB a sendmsg, 10.9k. The client reads while the rest is written.
const directWriteBytes = 512 << 10

// writeDirect writes the pieces to the connection. A write's deadline is
// extended for as long as each client write timeout moved at least
// writeSlice bytes: the same slowest reader is served as when every
// writeSlice had a deadline of its own.
func (b *pieceBody) writeDirect() (int64, error) {
	var n int64
	for _, p := range b.pieces {
		for len(p) > 0 {
			_ = b.conn.SetWriteDeadline(time.Now().Add(b.timeout))
			var k int
			var err error
			w := p[:min(len(p), directWriteBytes)]
			if b.holder != nil {
				k, err = b.holder.writeWithHead(w) // the head and the body's first bytes in one syscall
				b.holder = nil
			} else {
				k, err = b.conn.Write(w)
			}
			n += int64(k)
			b.sent += int64(k)
			p = p[k:]
			if err != nil && (k < writeSlice || !isTimeout(err)) {
				return n, err
			}
		}
	}
	b.pieces = nil
	return n, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (b *pieceBody) Close() error {
	if b.holder != nil { // no body was written (HEAD, or the write never began): the head goes alone
		_ = b.holder.flushHead()
	}
	b.release()
	if fx := b.fx; fx != nil {
		fx.w.bytes = b.sent // what reached the connection
		fx.s.h.finish(&fx.x)
		fx.free()
	}
	*b = pieceBody{}
	pieceBodies.Put(b)
	return nil
}

// streamBody hands a streaming response's writes to fasthttp without a
// copy: each slice waits until it is on the socket. A body of known length
// is written straight to the connection (fasthttp flushed the head first:
// ImmediateHeaderFlush), so each write reaches the client at once; a chunked
// one goes through fasthttp's chunk writer, which flushes every chunk. A
// cut stream ends with errCut, and fasthttp closes the connection short of
// the body. fasthttp's Close (done, or the client gone) cancels the
// stream's context and fails its next write.
type streamBody struct {
	ch     chan []byte
	ack    chan error
	done   chan struct{}
	once   sync.Once
	cancel context.CancelFunc
	err    error // set before ch closes
	conn   net.Conn
	size   int
	rest   []byte // Read's current slice
}

func newStreamBody(cancel context.CancelFunc) *streamBody {
	return &streamBody{ch: make(chan []byte), ack: make(chan error), done: make(chan struct{}), cancel: cancel}
}

// Write is the stream goroutine's side.
func (b *streamBody) Write(p []byte) (int, error) {
	select {
	case b.ch <- p:
	case <-b.done:
		return 0, io.ErrClosedPipe
	}
	select {
	case err := <-b.ack:
		if err != nil {
			return 0, err
		}
		return len(p), nil
	case <-b.done:
		return 0, io.ErrClosedPipe
	}
}

// end closes the writing side: complete, or cut.
func (b *streamBody) end(cut bool) {
	if cut {
		b.err = errCut
	}
	close(b.ch)
}

func (b *streamBody) SupportsBodyWriteTo() bool { return true }

func (b *streamBody) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for p := range b.ch {
		var err error
		var k int
		if b.size >= 0 {
			k, err = b.conn.Write(p)
		} else {
			k, err = w.Write(p)
		}
		n += int64(k)
		select {
		case b.ack <- err:
		case <-b.done:
		}
		if err != nil {
			return n, err
		}
	}
	return n, b.err
}

// Read serves fasthttp paths that do not use WriteTo.
func (b *streamBody) Read(p []byte) (int, error) {
	if len(b.rest) == 0 {
		next, ok := <-b.ch
		if !ok {
			if b.err != nil {
				return 0, b.err
			}
			return 0, io.EOF
		}
		b.rest = next
	}
	k := copy(p, b.rest)
	b.rest = b.rest[k:]
	if len(b.rest) == 0 {
		select {
		case b.ack <- nil:
		case <-b.done:
		}
	}
	return k, nil
}

func (b *streamBody) Close() error {
	b.once.Do(func() {
		close(b.done)
		b.cancel()
	})
	return nil
}
