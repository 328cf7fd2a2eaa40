package edge

import (
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamedge/streamedge/cmcd"
)

// accessRecord is one access-log line. invalidated is true when the stored
// copy was removed by an invalidation (so the request missed).
type accessRecord struct {
	Time       string    `json:"time"`
	Client     string    `json:"client"`
	Method     string    `json:"method"`
	URI        string    `json:"uri"`
	Status     int       `json:"status"`
	Bytes      int64     `json:"bytes"`
	DurationMS float64   `json:"duration_ms"`
	Cache      string    `json:"cache"`
	OriginMS   float64   `json:"origin_ms"`
	Error      string    `json:"error,omitempty"`    // failure label of an error the edge answered itself
	Encoding   string    `json:"encoding,omitempty"` // Content-Encoding sent to the client
	Proto      string    `json:"proto"`              // the client's protocol: HTTP/1.1, HTTP/2.0, HTTP/3.0
	Front      string    `json:"front"`              // the front end that served it: fasthttp or net
	CMCD       *cmcd.Log `json:"cmcd,omitempty"`     // the request's CMCD keys (sid, cid, ot, br, bl, d, su, bs)
	Signed     string    `json:"signed,omitempty"`   // signed-URL check on a signed route: ok or why it was refused
	CORS       string    `json:"cors,omitempty"`     // a CORS request's grant by the route's headers policy: allowed or refused

	ErrorPage int `json:"error_page,omitempty"` // the status a custom error page replaced

	// Compressed: the edge compressed the body itself (encoding names how).
	Compressed bool `json:"compressed,omitempty"`
	Invalid    bool `json:"invalidated,omitempty"`
	KeyItems   int  `json:"keyed,omitempty"` // header and cookie items in the cache key (cache policy)

	HeldMS float64 `json:"held_ms,omitempty"` // how long an LL-HLS blocking request was held at the edge
	// NotYet: the fill held a 404 for a segment the newest live manifest
	// names (appeared, gave_up, unstored, failed, other); NotYetMS for how long.
	NotYet   string  `json:"not_yet,omitempty"`
	NotYetMS float64 `json:"not_yet_ms,omitempty"`

	// Peer is the POP member that sent the request (origin.PeerHeader):
	// its fill went to this edge's origin (package peering).
	Peer string `json:"peer,omitempty"`

	// ReusedHead: a plain hit whose head the front end sent as serialised
	// for the entry before (hithead.go).
	ReusedHead bool `json:"reused_head,omitempty"`
}

func writeAccessLog(w io.Writer, rec accessRecord) {
	b, err := json.Marshal(rec)
	if err != nil {
		return
	}
	b = append(b, '\n')
	_, _ = w.Write(b)
}

// DefaultLogBuffer bounds the bytes a LogWriter holds for its writer.
const DefaultLogBuffer = 1 << 20

// LogWriter buffers access-log lines and writes them from a goroutine of its
// own every interval (sooner when half its buffer is used), so a request
// never waits for the disk or a slow stdout reader: Write copies the line
// into a bounded buffer and returns. A line that does not fit is dropped and
// counted (Dropped; streamedge_access_log_dropped_total). Close writes what
// is left.
type LogWriter struct {
	mu      sync.Mutex
	buf     []byte // lines waiting for the writer
	spare   []byte // the buffer being written (the flusher's own)
	max     int
	w       io.Writer
	dropped atomic.Int64
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

// NewLogWriter starts the flusher with a DefaultLogBuffer bound.
func NewLogWriter(w io.Writer, interval time.Duration) *LogWriter {
	return NewLogWriterSize(w, interval, DefaultLogBuffer)
}

// NewLogWriterSize starts the flusher, holding at most maxBytes of lines.
func NewLogWriterSize(w io.Writer, interval time.Duration, maxBytes int) *LogWriter {
	l := &LogWriter{w: w, max: maxBytes, buf: make([]byte, 0, min(maxBytes, 64<<10)),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop(interval)
	return l
}

// Write takes one whole line; it never blocks on the underlying writer.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	if len(l.buf)+len(p) > l.max {
		l.mu.Unlock()
		l.dropped.Add(1)
		return len(p), nil
	}
	l.buf = append(l.buf, p...)
	half := len(l.buf) >= l.max/2
	l.mu.Unlock()
	if half {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// Dropped is the number of lines dropped because the buffer was full.
func (l *LogWriter) Dropped() int64 { return l.dropped.Load() }

func (l *LogWriter) loop(interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.flush()
		case <-l.kick:
			l.flush()
		case <-l.stop:
			l.flush()
			return
		}
	}
}

// flush swaps the buffers and writes the full one outside the lock; only
// the flusher's goroutine runs it.
func (l *LogWriter) flush() {
	l.mu.Lock()
	b := l.buf
	l.buf = l.spare[:0]
	l.mu.Unlock()
	if len(b) > 0 {
		_, _ = l.w.Write(b)
	}
	l.spare = b[:0]
}

// Close writes what is buffered and stops the flusher.
func (l *LogWriter) Close() error {
	close(l.stop)
	<-l.done
	return nil
}
