package tlsfront

import "net/http"

// http3Adapt makes an HTTP/3 exchange look to next as HTTP/1.1 and HTTP/2
// ones do, so the limits and the edge judge all protocols alike:
//
//   - A GET or HEAD without Content-Length has ContentLength -1 from quic-go
//     (the stream's end may come later), where net/http says 0. HTTP/3 frames
//     every body itself, so there is nothing to desynchronise; the limits'
//     "body on GET" rule still refuses a declared Content-Length.
//   - Connection-specific response fields (Connection: close from a refusal,
//     Keep-Alive, Transfer-Encoding, Upgrade) make an HTTP/3 response malformed
//     (RFC 9114 §4.2); they are dropped before the head is sent.
func http3Adapt(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength < 0 && (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.Header.Get("Content-Length") == "" {
			r.ContentLength = 0
		}
		next.ServeHTTP(&h3Writer{ResponseWriter: w}, r)
	})
}

// connectionFields may not appear in an HTTP/3 response.
var connectionFields = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade"}

type h3Writer struct {
	http.ResponseWriter
	sent bool
}

func (w *h3Writer) strip() {
	if w.sent {
		return
	}
	w.sent = true
	h := w.ResponseWriter.Header()
	for _, f := range connectionFields {
		delete(h, f)
	}
}

func (w *h3Writer) WriteHeader(code int) {
	if code >= 200 {
		w.strip()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *h3Writer) Write(p []byte) (int, error) {
	w.strip()
	return w.ResponseWriter.Write(p)
}

// FlushError flushes what is written (http.NewResponseController finds it
// first); deadlines and the rest reach quic-go's writer through Unwrap.
func (w *h3Writer) FlushError() error {
	w.strip()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *h3Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
