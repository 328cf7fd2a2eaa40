package tlsfront

import (
	"bytes"
	"io"
	"log"
)

// handshakeMark is how net/http starts the error-log line of a failed
// handshake ("http: TLS handshake error from ADDR: ERR").
var handshakeMark = []byte("TLS handshake error")

// HandshakeErrorLog is an http.Server ErrorLog that counts failed TLS
// handshakes in m and passes every line on to next.
func HandshakeErrorLog(m *Metrics, next io.Writer) *log.Logger {
	return log.New(&handshakeCounter{m: m, next: next}, "", 0)
}

type handshakeCounter struct {
	m    *Metrics
	next io.Writer
}

func (h *handshakeCounter) Write(p []byte) (int, error) {
	if bytes.Contains(p, handshakeMark) {
		h.m.handshakeError()
	}
	return h.next.Write(p)
}
