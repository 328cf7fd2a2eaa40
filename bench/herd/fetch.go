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
	status int
	// header is the first response byte (the status line): a server that
	// sends headers early and the body late looks fast here, so it is kept
	// for reference only.
	header time.Duration
	// firstBody is the first body byte: the first non-empty Read of the
	// body, what a player can start decoding.
	firstBody time.Duration
	// total is the last byte: the body read to its end.
	total    time.Duration
	bytes    int64
	complete bool // body length matched Content-Length
	crc      uint32
	cache    string // X-Cache-Status (nginx) or X-Cache (Varnish, ATS, streamedge)
	errKind  string
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
	var headerAt time.Time
	br := bufio.NewReaderSize(firstByteConn{c, &headerAt}, 64<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		r.errKind = kindOf("header", err)
		return r
	}
	defer resp.Body.Close()
	r.header = headerAt.Sub(t0)
	r.status = resp.StatusCode
	r.cache = resp.Header.Get("X-Cache-Status")
	if r.cache == "" {
		r.cache = resp.Header.Get("X-Cache")
	}
	h := crc32.New(castagnoli)
	r.bytes, r.firstBody, err = readBody(h, resp.Body, t0)
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

// readBody copies body into w and returns the bytes read and when (from
// t0) the first non-empty Read returned; an empty body's first byte is its
// end.
func readBody(w io.Writer, body io.Reader, t0 time.Time) (int64, time.Duration, error) {
	buf := make([]byte, 32<<10)
	var n int64
	first := time.Duration(-1)
	for {
		k, err := body.Read(buf)
		if k > 0 {
			if first < 0 {
				first = time.Since(t0)
			}
			_, _ = w.Write(buf[:k])
			n += int64(k)
		}
		switch {
		case errors.Is(err, io.EOF):
			if first < 0 {
				first = time.Since(t0)
			}
			return n, first, nil
		case err != nil:
			return n, first, err
		}
	}
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
