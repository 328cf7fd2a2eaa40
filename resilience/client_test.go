package resilience

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// reply is one complete exchange as a player would see it: err is set when
// the transfer broke (no response, or a body cut short).
type reply struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
	err    error
}

func (r reply) xcache() string { return r.header.Get("X-Cache") }

// isCache reports whether X-Cache names kind ("Hit", "Miss", "Stale", ...).
func (r reply) isCache(kind string) bool { return strings.HasPrefix(r.xcache(), kind+" from") }

// newClient is a keep-alive HTTP/1.1 client with its own connection pool,
// closed when the test ends.
func newClient(t testing.TB, timeout time.Duration) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Timeout: timeout, Transport: tr}
}

// get fetches url whole.
func get(c *http.Client, url string) reply {
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		return reply{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body, took: time.Since(start), err: err}
}

// mustGet fetches url and fails the test on a transport error.
func mustGet(t testing.TB, c *http.Client, url string) reply {
	t.Helper()
	r := get(c, url)
	if r.err != nil {
		t.Fatalf("GET %s: %v", url, r.err)
	}
	return r
}

// expect checks status and X-Cache kind ("" for any).
func expect(t testing.TB, what string, r reply, status int, cache string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s: %v", what, r.err)
	}
	if r.status != status || (cache != "" && !r.isCache(cache)) {
		t.Fatalf("%s: got %d, X-Cache %q, body %.120q; want %d, X-Cache %s", what, r.status, r.xcache(), r.body, status, cache)
	}
}

// looksLikeManifest reports whether body starts like an HLS playlist or MPD.
func looksLikeManifest(body []byte) bool {
	b := bytes.TrimLeft(body, "\ufeff \t\r\n")
	return bytes.HasPrefix(b, []byte("#EXTM3U")) || bytes.HasPrefix(b, []byte("<?xml")) || bytes.HasPrefix(b, []byte("<MPD"))
}

// sleepUntil sleeps until t (no-op if past).
func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }
