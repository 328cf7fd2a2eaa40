package main

import (
	"bufio"
	"errors"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// result is one client's outcome; times are from the release.
type result struct {
	status    int
	ttfb      time.Duration
	total     time.Duration
	bytes     int64
	complete  bool // body length matched Content-Length
	crc       uint32
	cache     string // X-Cache-Status (nginx) or X-Cache (Varnish, ATS, streamedge)
	errKind   string
	firstByte time.Time
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// firstByteConn records when the first response byte arrives.
type firstByteConn struct {
	net.Conn
	at *time.Time
}

func (c firstByteConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.at.IsZero() {
		*c.at = time.Now()
	}
	return n, err
}

// fetch writes the request, reads the whole response and checksums the
// body (CRC-32C: cheap enough not to steal the server's CPU).
func fetch(c net.Conn, req string, t0 time.Time) result {
	var r result
	if _, err := io.WriteString(c, req); err != nil {
		r.errKind = kindOf("write", err)
		return r
	}
	br := bufio.NewReaderSize(firstByteConn{c, &r.firstByte}, 64<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		r.errKind = kindOf("header", err)
		return r
	}
	defer resp.Body.Close()
	r.ttfb = r.firstByte.Sub(t0)
	r.status = resp.StatusCode
	r.cache = resp.Header.Get("X-Cache-Status")
	if r.cache == "" {
		r.cache = resp.Header.Get("X-Cache")
	}
	h := crc32.New(castagnoli)
	r.bytes, err = io.Copy(h, resp.Body)
	r.total = time.Since(t0)
	r.crc = h.Sum32()
	if err != nil {
		r.errKind = kindOf("body", err)
		return r
	}
	r.complete = resp.ContentLength < 0 || r.bytes == resp.ContentLength
	if !r.complete {
		r.errKind = "body: short"
	}
	return r
}

func kindOf(stage string, err error) string {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return stage + ": timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return stage + ": closed"
	}
	return stage + ": " + err.Error()
}
