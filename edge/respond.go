package edge

import (
	"net/http"
	"runtime"
	"strconv"

	"github.com/streamedge/streamedge/byterange"
	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/segments"
)

const writeSlice = 256 << 10 // a write deadline is set per slice written

// serveEntry answers from a stored (or fully received) entry.
func (h *Handler) serveEntry(x *exchange, e *segments.Entry, result string) {
	x.result = result
	x.compressed = e.Flags&segments.FlagCompressed != 0
	if e.Status >= 400 && h.customError(x, e.Status) {
		return
	}
	ageSec := age(&e.Meta, x.start)
	if h.servePlainHit(x, e, ageSec) { // the head as sent before (hithead.go)
		return
	}
	h.writeHead(x, e.Header, e.Status, ageSec)
	body := e.Body
	if e.Status == http.StatusOK && notModified(x.r.Header(), e.Header) {
		h.write304(x)
		return
	}
	if f, ok := h.signsManifest(x, e.Status, e.Header); ok {
		h.serveSignedManifest(x, f, e.Header, body)
		return
	}
	status, start, end := h.rangeFor(x, e.Status, int64(len(body)))
	if status == http.StatusRequestedRangeNotSatisfiable {
		return
	}
	body = body[start : end+1 : end+1]
	x.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	x.w.WriteHeader(status)
	if x.r.Method() != http.MethodHead {
		h.writeBody(x, body, false) // whole body in hand: the front end flushes once at the end
	}
}

// serveFill streams a fill's response as its bytes arrive.
func (h *Handler) serveFill(x *exchange, f *coalesce.Fill[fillMeta], head *coalesce.Head[fillMeta]) {
	x.compressed = head.Value.meta.Flags&segments.FlagCompressed != 0
	h.writeHead(x, head.Header, head.Status, age(&head.Value.meta, h.now()))
	if head.Status == http.StatusOK && notModified(x.r.Header(), head.Header) {
		h.write304(x)
		return
	}
	if mf, ok := h.signsManifest(x, head.Status, head.Header); ok {
		h.serveSignedFill(x, f, mf, head)
		return
	}
	size := head.ContentLength
	if size < 0 && x.r.Header().Get("Range") != "" && head.Status == http.StatusOK {
		if err := f.Wait(x.r.Context()); err != nil {
			if overflowed(err) {
				h.passAfterOverflow(x)
				return
			}
			h.abort(x, err)
			return
		}
		size = int64(len(f.Body()))
	}
	status, start, end := http.StatusOK, int64(0), int64(-1)
	if size >= 0 {
		if status, start, end = h.rangeFor(x, head.Status, size); status == http.StatusRequestedRangeNotSatisfiable {
			return
		}
		x.w.Header().Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	} else {
		status = head.Status
	}
	x.w.WriteHeader(status)
	if x.r.Method() == http.MethodHead {
		return
	}
	if done, err := f.Done(); done && err == nil {
		h.streamFill(x, f, head, start, end) // the whole body is in hand (and immutable)
		return
	}
	x.w.stream(func() {
		// Headers out now, before any body: when a herd wakes on a fill's
		// head, every follower's first byte leaves at once instead of
		// queueing behind the others' body writes.
		x.w.flushHead()
		runtime.Gosched() // let the rest of the herd send their headers before any body
		h.streamFill(x, f, head, start, end)
	})
}

// streamFill writes body[from:to] (to < 0: to the end) as the fill grows. When
// the fill fails after the head went out, the connection is cut so the client
// sees a broken transfer, never a short "complete" body; a fill that only
// stopped buffering (overflowed) is continued from the origin instead.
func (h *Handler) streamFill(x *exchange, f *coalesce.Fill[fillMeta], head *coalesce.Head[fillMeta], from, last int64) {
	ctx, off := x.r.Context(), int(from)
	for {
		chunk, done, err := f.Next(ctx, off)
		if last >= 0 && int64(off+len(chunk)) > last+1 {
			chunk = chunk[:int(last+1)-off]
		}
		if len(chunk) > 0 {
			if !h.writeInTurns(x, chunk, off == int(from)) {
				return
			}
			off += len(chunk)
		}
		if last >= 0 && int64(off) > last {
			return
		}
		if err != nil && overflowed(err) && head.Status == http.StatusOK {
			err = h.continueStream(x, head, int64(off), last)
		}
		if err != nil {
			h.abort(x, err)
			return
		}
		if done {
			return
		}
	}
}

// firstStreamBytes is a follower's first body write: small, so that a herd
// woken by one fill's bytes has every viewer's first body byte out before
// anyone's bulk.
const firstStreamBytes = 16 << 10

// writeInTurns writes a fill's chunk to one follower a slice at a time,
// yielding after each: the follower's goroutine and its connection's hand a
// slice back and forth and would otherwise keep a CPU (the scheduler runs
// the goroutine a handoff wakes next) until the whole body is out, so a
// herd was served one viewer after another.
func (h *Handler) writeInTurns(x *exchange, chunk []byte, first bool) bool {
	for len(chunk) > 0 {
		k := min(len(chunk), writeSlice)
		if first {
			k, first = min(k, firstStreamBytes), false
		}
		if !h.writeBody(x, chunk[:k], true) {
			return false
		}
		chunk = chunk[k:]
		runtime.Gosched()
	}
	return true
}

// abort ends a response whose fill failed mid-body: the front end cuts the
// connection (net/http: http.ErrAbortHandler, which does not return).
func (h *Handler) abort(x *exchange, err error) {
	if x.r.Context().Err() != nil {
		return // the client left; nothing to cut
	}
	h.metrics.abortedStreams.Inc()
	x.aborted = true
	h.log.Debug("cutting client connection: fill failed", "key", x.key, "err", err)
	x.w.cut()
}

// writeBody writes in slices, each with a deadline, and flushes when asked
// (a streaming fill: followers must see bytes as they arrive). It reports
// whether the client is still there.
func (h *Handler) writeBody(x *exchange, body []byte, flush bool) bool {
	_, ok := x.w.writeBody(body, flush, h.cfg.ClientWriteTimeout)
	return ok
}

// writeHead sets the response headers common to every cached answer.
func (h *Handler) writeHead(x *exchange, src http.Header, status int, ageSec int64) {
	hd := x.w.Header()
	for k, v := range src {
		hd[k] = v[:len(v):len(v)] // shared with other readers: an Add must reallocate, never write into it
	}
	hd["Age"] = ageValue(ageSec)
	result := x.result
	if status >= 400 {
		result = resultError
	}
	hd["X-Cache"] = xcacheValues[result]
	setCacheStatus(hd, src["Cache-Status"], cacheStatus(x))
	if _, ok := src["Via"]; !ok {
		hd["Via"] = viaValue // the origin sent none (storedHeader appends ours to the origin's)
	}
}

// Header values set on every response, allocated once. Each slice has
// cap == len, so nothing can append into the shared array.
var (
	viaValue     = []string{"1.1 streamedge"}
	bytesValue   = []string{"bytes"}
	xcacheValues = func() map[string][]string {
		m := map[string][]string{}
		for _, r := range results {
			m[r] = []string{xcache(r)}
		}
		return m
	}()
	smallAges = func() [][]string {
		a := make([][]string, 3601)
		for i := range a {
			a[i] = []string{strconv.Itoa(i)}
		}
		return a
	}()
)

func ageValue(sec int64) []string {
	if sec >= 0 && sec < int64(len(smallAges)) {
		return smallAges[sec]
	}
	return []string{strconv.FormatInt(sec, 10)}
}

func (h *Handler) write304(x *exchange) {
	hd := x.w.Header()
	hd.Del("Content-Length")
	hd.Del("Content-Encoding")
	x.w.WriteHeader(http.StatusNotModified)
}

// rangeFor decides between 200, 206 and 416 for a body of size bytes and
// returns the inclusive byte span to send. On 416 it has answered already.
func (h *Handler) rangeFor(x *exchange, status int, size int64) (int, int64, int64) {
	full := func() (int, int64, int64) { return status, 0, size - 1 }
	if status != http.StatusOK {
		return full()
	}
	x.w.Header()["Accept-Ranges"] = bytesValue
	rh := x.r.Header().Get("Range")
	if rh == "" || !byterange.IfRangeMatches(x.r.Header().Get("If-Range"), x.w.Header().Get("ETag"), x.w.Header().Get("Last-Modified")) {
		return full()
	}
	spec, err := byterange.Parse(rh)
	if err != nil {
		return full() // malformed or multi-range: the whole body, as RFC 9110 allows
	}
	start, end, ok := spec.Resolve(size)
	if !ok {
		hd := x.w.Header()
		hd.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		hd.Del("Content-Encoding")
		hd.Set("Content-Length", "0")
		x.w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return http.StatusRequestedRangeNotSatisfiable, 0, 0
	}
	x.w.Header().Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(size, 10))
	return http.StatusPartialContent, start, end
}
