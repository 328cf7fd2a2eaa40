package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// lateBody sends its headers at once, then waits, then the body: a server
// that "answers" early but gives the player nothing to play until later.
func lateBody(wait time.Duration, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(wait)
		_, _ = w.Write(body)
	})
}

func TestFirstBodyByteIsAfterHeadersSentEarly(t *testing.T) {
	const wait = 300 * time.Millisecond
	body := bytes.Repeat([]byte("x"), 256<<10)
	srv := httptest.NewServer(lateBody(wait, body))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/seg.ts")
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t0 := time.Now()
	r := fetch(c, "GET /seg.ts HTTP/1.1\r\nHost: "+u.Host+"\r\n\r\n", t0)
	if r.errKind != "" || r.status != 200 || !r.complete || r.bytes != int64(len(body)) {
		t.Fatalf("fetch: %+v", r)
	}
	if r.header >= wait/2 {
		t.Errorf("header byte at %v: want it before the wait (%v)", r.header, wait)
	}
	if r.firstBody < wait {
		t.Errorf("first body byte at %v: want it after the %v wait", r.firstBody, wait)
	}
	if r.total < r.firstBody {
		t.Errorf("last byte %v before the first body byte %v", r.total, r.firstBody)
	}
}

func TestShortBodyIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 4096)
		_, _ = s.Read(buf)
		_, _ = s.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-ten-b"))
		_ = s.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := fetch(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", time.Now())
	if r.errKind == "" || r.complete {
		t.Fatalf("truncated body accepted: %+v", r)
	}
	rep := summarize("u", []result{r})
	if rep.OK != 0 || rep.Errors != 1 {
		t.Fatalf("summary counts a truncated body as ok: %+v", rep)
	}
}

func TestSummarizeNearestRankPercentiles(t *testing.T) {
	var rs []result
	for i := 1; i <= 100; i++ {
		d := time.Duration(i) * time.Millisecond
		rs = append(rs, result{status: 200, complete: true, header: d / 2, firstBody: d, total: 2 * d, crc: 7})
	}
	rs = append(rs, result{status: 503, complete: true})
	rep := summarize("u", rs)
	if rep.OK != 100 || rep.Errors != 1 || rep.ErrorKinds["status 503"] != 1 || rep.DistinctBodies != 1 {
		t.Fatalf("counts: %+v", rep)
	}
	fb, tot := rep.FirstBodyMS, rep.TotalMS
	if fb.Min != 1 || fb.P50 != 50 || fb.P90 != 90 || fb.P99 != 99 || fb.Max != 100 {
		t.Errorf("first body byte: %+v", fb)
	}
	if tot.P50 != 100 || tot.P99 != 198 || tot.Max != 200 {
		t.Errorf("total: %+v", tot)
	}
	if rep.HeaderMS.P99 != 49.5 {
		t.Errorf("header: %+v", rep.HeaderMS)
	}
}
