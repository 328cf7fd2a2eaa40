package edge

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/valyala/fasthttp"
)

// askedNames are names the edge looks up on a request, present or not.
var askedNames = []string{"Host", "Authorization", "If-None-Match", "If-Modified-Since", "If-Range", "Range",
	"Origin", "Upgrade", "Connection", "Accept-Encoding", "Cookie", "User-Agent", "Content-Type", "Content-Length",
	"Transfer-Encoding", "Cmcd-Request", "Cmcd-Object", "Cmcd-Session", "Cmcd-Status", "Via", "X-Forwarded-For",
	"Cache-Control", "Pragma", "Expect", "Trailer", "Te", "X"}

// checkFastHeader: what fastHeader answers for every name asked and every
// name received is what fasthttp's Peek and PeekAll answer.
func checkFastHeader(t *testing.T, raw []byte) {
	var req fasthttp.Request
	if err := req.Read(bufio.NewReader(bytes.NewReader(raw))); err != nil {
		return // fasthttp refuses it: the edge never sees it
	}
	names := append([]string(nil), askedNames...)
	for k := range req.Header.All() {
		names = append(names, string(k), string(bytes.ToLower(k)), string(bytes.ToUpper(k)))
	}
	var f fastHeader
	f.reset(&req.Header)
	for _, n := range names {
		if got, want := f.Get(n), string(req.Header.Peek(n)); got != want {
			t.Fatalf("Get(%q) = %q, Peek %q; request %q", n, got, want, raw)
		}
		if got, want := len(f.Values(n)), len(req.Header.PeekAll(n)); got != want {
			t.Fatalf("Values(%q) has %d, PeekAll %d; request %q", n, got, want, raw)
		}
	}
}

// TestFastHeaderAnswersAsPeek: the hash of received names never hides a
// header, whatever its case or spacing (table); FuzzFastHeaderAnswersAsPeek
// goes on from these.
func TestFastHeaderAnswersAsPeek(t *testing.T) {
	for _, raw := range fastHeaderSeeds {
		checkFastHeader(t, []byte(raw))
	}
}

var fastHeaderSeeds = []string{
	"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /a HTTP/1.1\r\nhost: x\r\nauthorization: Bearer t\r\nIF-NONE-MATCH: \"e\"\r\nrange: bytes=0-1\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: x\r\nOrigin: https://o\r\nOrigin: https://p\r\nCMCD-Request: bl=1\r\nConnection: close\r\n\r\n",
	"GET /a HTTP/1.0\r\nHost: x\r\nCookie: a=1; b=2\r\nUser-Agent: u\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: x\r\nX: 1\r\nx-forwarded-for: 1.2.3.4\r\nVia: 1.1 a\r\nAccept-Encoding: gzip\r\n\r\n",
	"GET /a HTTP/1.1\nHost: x\nIf-Modified-Since: Tue, 01 Dec 2026 00:00:00 GMT\n\n",
	"GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n",
}

func FuzzFastHeaderAnswersAsPeek(f *testing.F) {
	for _, s := range fastHeaderSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkFastHeader(t, raw) })
}
