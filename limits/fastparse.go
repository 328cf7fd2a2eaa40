package limits

import (
	"bytes"
	"errors"
	"net"
	"net/http"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/failure"
)

// framing is what a request head says about its body, read from the raw
// header lines as net/http reads them (an obs-fold line continues the field
// before it), not from fasthttp's parse, which lets Transfer-Encoding drop
// a Content-Length and does not unfold.
type framing struct {
	te, cl    int  // Transfer-Encoding and Content-Length fields
	clNonZero bool // a Content-Length other than 0
}

func rawFraming(raw []byte) framing {
	var f framing
	var name, value []byte
	flush := func() {
		switch {
		case len(name) == 0:
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			f.te++
		case bytes.EqualFold(name, []byte("Content-Length")):
			f.cl++
			if v := bytes.TrimSpace(value); len(v) > 0 && !bytes.Equal(v, []byte("0")) || len(v) == 0 {
				f.clNonZero = true
			}
		}
	}
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' { // obs-fold: part of the field before
			value = append(append(value[:len(value):len(value)], ' '), bytes.TrimSpace(line)...)
			continue
		}
		flush()
		n, v, _ := bytes.Cut(line, []byte(":"))
		name, value = n, bytes.TrimSpace(v)
	}
	flush()
	return f
}

// bad reports framing Handler's badFraming refuses: any body on GET or
// HEAD. (Transfer-Encoding beside Content-Length on another method is
// served as net/http serves it, framed by Transfer-Encoding, and the
// connection closed after it.)
func (f framing) bad(method string) bool {
	if method != http.MethodGet && method != http.MethodHead {
		return false
	}
	return f.te > 0 || f.clNonZero
}

// FastHeaderReceived is the fasthttp server's HeaderReceived hook: a GET
// or HEAD announcing a body is refused before any of it is read (its body
// limit is one byte, so fasthttp stops at once and FastErrorHandler answers
// 400), as Handler closes such a connection without waiting for the body.
func FastHeaderReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if (h.IsGet() || h.IsHead()) && h.ContentLength() > 0 {
		return fasthttp.RequestConfig{MaxRequestBodySize: 1}
	}
	return fasthttp.RequestConfig{}
}

// FastErrorHandler answers requests fasthttp could not read, with the
// statuses net/http gives them: 501 for a Transfer-Encoding other than
// chunked, 431 for a head over the read buffer, 408 for a read timeout, 413
// for a body over the limit, else 400. A GET or HEAD announcing a body (over
// FastHeaderReceived's one-byte limit, or with duplicate Content-Length
// fields, which net/http merges when equal) is a framing refusal, counted. fasthttp closes the connection after it.
func FastErrorHandler(m *Metrics) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		var small *fasthttp.ErrSmallBuffer
		var ne net.Error
		rh := &ctx.Request.Header
		switch {
		case errors.Is(err, fasthttp.ErrUnsupportedTransferEncoding):
			ctx.Error("Unsupported transfer encoding", http.StatusNotImplemented)
		case errors.Is(err, fasthttp.ErrBodyTooLarge) && (rh.IsGet() || rh.IsHead()):
			fastRefuse(ctx, m, failure.ErrFraming)
		case errors.Is(err, fasthttp.ErrBodyTooLarge):
			ctx.Error("Request body too large", http.StatusRequestEntityTooLarge)
		case errors.As(err, &small):
			ctx.Error("Request header fields too large", http.StatusRequestHeaderFieldsTooLarge)
		case errors.As(err, &ne) && ne.Timeout():
			ctx.Error("Request timeout", http.StatusRequestTimeout)
		case errors.Is(err, fasthttp.ErrDuplicateContentLength) && (rh.IsGet() || rh.IsHead()):
			fastRefuse(ctx, m, failure.ErrFraming) // a GET announcing a body, however many times
		default:
			ctx.Error("Bad request", http.StatusBadRequest)
		}
	}
}
