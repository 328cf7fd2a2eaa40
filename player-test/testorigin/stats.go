package testorigin

import (
	"maps"
	"net/http"
	"sync"
)

// Stats is a snapshot of what the origin served since New or the last
// Reset. /_stats and /_reset are not counted.
type Stats struct {
	Requests int64                `json:"requests"` // every counted request, faulted ones included
	Bytes    int64                `json:"bytes"`    // response body bytes written
	Paths    map[string]PathStats `json:"paths"`    // by URL path (no query)
	Faults   map[string]int64     `json:"faults"`   // injected: "error", "garbage", "stall", "truncate"
	// Blocking counts LL-HLS blocking playlist reloads by playlist path and
	// directives, "path?_HLS_msn=M&_HLS_part=P&_HLS_skip=S" (absent ones
	// left out), whatever order the client sent them in.
	Blocking map[string]int64 `json:"blocking"`
}

// PathStats counts one URL path.
type PathStats struct {
	Requests int64 `json:"requests"`
	Bytes    int64 `json:"bytes"`
}

// Count is the number of requests for path (0 if never requested).
func (s Stats) Count(path string) int64 { return s.Paths[path].Requests }

type statsTable struct {
	mu sync.Mutex
	s  Stats
}

func newStatsTable() *statsTable {
	t := &statsTable{}
	t.reset()
	return t
}

func (t *statsTable) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s = Stats{Paths: map[string]PathStats{}, Faults: map[string]int64{}, Blocking: map[string]int64{}}
}

func (t *statsTable) request(path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.Requests++
	p := t.s.Paths[path]
	p.Requests++
	t.s.Paths[path] = p
}

func (t *statsTable) blocking(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.Blocking[key]++
}

func (t *statsTable) wrote(path string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.Bytes += int64(n)
	p := t.s.Paths[path]
	p.Bytes += int64(n)
	t.s.Paths[path] = p
}

func (t *statsTable) fault(kind string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.Faults[kind]++
}

func (t *statsTable) snapshot() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.s
	s.Paths, s.Faults, s.Blocking = maps.Clone(t.s.Paths), maps.Clone(t.s.Faults), maps.Clone(t.s.Blocking)
	return s
}

// countingWriter adds the body bytes it passes on to the path's counters.
type countingWriter struct {
	http.ResponseWriter
	stats *statsTable
	path  string
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.stats.wrote(w.path, n)
	return n, err
}

func (w *countingWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
