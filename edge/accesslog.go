package edge

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// accessRecord is one access-log line.
type accessRecord struct {
	Time       string  `json:"time"`
	Client     string  `json:"client"`
	Method     string  `json:"method"`
	URI        string  `json:"uri"`
	Status     int     `json:"status"`
	Bytes      int64   `json:"bytes"`
	DurationMS float64 `json:"duration_ms"`
	Cache      string  `json:"cache"`
	OriginMS   float64 `json:"origin_ms"`
	Error      string  `json:"error,omitempty"`    // failure label of an error the edge answered itself
	Encoding   string  `json:"encoding,omitempty"` // Content-Encoding sent to the client
	Proto      string  `json:"proto"`              // the client's protocol: HTTP/1.1, HTTP/2.0, HTTP/3.0
	Front      string  `json:"front"`              // the front end that served it: fasthttp or net
	HeldMS     float64 `json:"held_ms,omitempty"`  // how long an LL-HLS blocking request was held at the edge
}

func writeAccessLog(w io.Writer, rec accessRecord) {
	b, err := json.Marshal(rec)
	if err != nil {
		return
	}
	b = append(b, '\n')
	_, _ = w.Write(b)
}

// LogWriter buffers access-log lines and flushes them every interval, so that
// logging costs a syscall per batch rather than per request. Close flushes.
type LogWriter struct {
	mu   sync.Mutex
	bw   *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// NewLogWriter starts the flusher.
func NewLogWriter(w io.Writer, interval time.Duration) *LogWriter {
	l := &LogWriter{bw: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop(interval)
	return l
}

// Write takes one whole line.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bw.Write(p)
}

func (l *LogWriter) loop(interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.flush()
		case <-l.stop:
			l.flush()
			return
		}
	}
}

func (l *LogWriter) flush() {
	l.mu.Lock()
	_ = l.bw.Flush()
	l.mu.Unlock()
}

// Close flushes and stops the flusher.
func (l *LogWriter) Close() error {
	close(l.stop)
	<-l.done
	return nil
}
