package edge

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/origin"
)

// A fill whose body outgrows what the edge will buffer (a chunked body past
// -max-object-size, or fill buffers at -max-fill-bytes) stops buffering and
// fails with one of these. Its viewers are not cut: each one that already
// sent headers continues from its own offset with its own origin request
// (continueStream), and one still waiting goes pass-through.
var errContinueChanged = errors.New("origin object changed under a continued stream")

// overflowed reports whether a fill stopped buffering without being broken.
func overflowed(err error) bool {
	return errors.Is(err, ErrTooBig) || errors.Is(err, ErrFillBudget)
}

// continueStream writes the body from byte off (to last, < 0: to the end)
// from an origin request of this viewer's own: Range: bytes=off- with the
// fill's encoding class. A 206 must start at off; a 200 has its first off
// bytes discarded; a different ETag, another status or a failure is an
// error (the caller cuts the client).
func (h *Handler) continueStream(x *exchange, head *coalesce.Head[fillMeta], off, last int64) (err error) {
	defer func() { h.metrics.continuation(err) }()
	t0 := h.now()
	resp, err := x.route.Origin.Fetch(x.r.Context(), origin.FillRequest{Target: x.upstream().target, Header: x.upstream().header, AcceptEncoding: head.Value.class, Offset: off, CDNLoop: x.cdnLoop, Peer: x.upstream().peer})
	h.metrics.origin(resp, err, h.now().Sub(t0))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if et := head.Header.Get("ETag"); et != "" && resp.Header.Get("ETag") != et {
		return errContinueChanged
	}
	switch {
	case resp.StatusCode == http.StatusPartialContent && rangeStart(resp.Header.Get("Content-Range")) == off:
	case resp.StatusCode == http.StatusOK:
		if _, err := io.CopyN(io.Discard, resp.Body, off); err != nil {
			return origin.Classify(err)
		}
	default:
		return fmt.Errorf("%w: continuation answered %d", origin.ErrUnreachable, resp.StatusCode)
	}
	body := io.Reader(resp.Body)
	if last >= 0 {
		body = io.LimitReader(body, last+1-off)
	}
	buf := make([]byte, 32<<10)
	for {
		k, rerr := body.Read(buf)
		if k > 0 && !h.writeBody(x, buf[:k], true) {
			return nil // the client left
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return origin.Classify(rerr)
		}
	}
}

// rangeStart is the first byte of a Content-Range "bytes a-b/n", or -1.
func rangeStart(cr string) int64 {
	s, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return -1
	}
	a, _, ok := strings.Cut(s, "-")
	if !ok || a == "" || strings.Trim(a, "0123456789") != "" {
		return -1
	}
	n, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// passAfterOverflow sends a viewer that has not sent headers yet through
// pass-through (the headers its fill set are dropped first).
func (h *Handler) passAfterOverflow(x *exchange) {
	clear(x.w.Header())
	h.pass(x)
}
