package testorigin

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// kind decides which faults may hit a response.
type kind int

const (
	kindOther    kind = iota
	kindManifest      // GarbageRate
	kindSegment       // StallRate, TruncateRate (segments and /synthetic)
)

const (
	ccVOD        = "public, max-age=86400"
	ccLiveMiss   = "max-age=1" // live segments outside the window (404)
	mimeHLS      = "application/vnd.apple.mpegurl"
	mimeDASH     = "application/dash+xml"
	mimeTS       = "video/mp2t"
	mimeVideoMP4 = "video/mp4"
	mimeAudioMP4 = "audio/mp4"
	mimeText     = "text/plain; charset=utf-8"
)

// object is one response body with its metadata.
type object struct {
	kind         kind
	body         io.ReadSeeker
	contentType  string
	cacheControl string
	etag         string
	modified     time.Time
}

func bytesObject(k kind, b []byte, ctype, cc, etag string, mod time.Time) object {
	return object{k, bytes.NewReader(b), ctype, cc, etag, mod}
}

// serve answers with obj through http.ServeContent (conditional requests
// → 304, Range → 206, HEAD), applying the faults its kind allows.
func (o *Origin) serve(w http.ResponseWriter, r *http.Request, obj object) {
	if obj.kind == kindManifest && o.rng.hit(o.opts.GarbageRate) {
		obj = o.garbage(obj)
	}
	h := w.Header()
	h.Set("Content-Type", obj.contentType)
	h.Set("Cache-Control", obj.cacheControl)
	h.Set("ETag", obj.etag)
	fw := o.segmentFaults(w, r, obj.kind)
	if fw == nil {
		http.ServeContent(w, r, "", obj.modified, obj.body)
		return
	}
	http.ServeContent(fw, r, "", obj.modified, obj.body)
	if fw.truncated {
		panic(http.ErrAbortHandler) // close the connection mid-body
	}
}

// garbage replaces a manifest body with random bytes of the same length.
func (o *Origin) garbage(obj object) object {
	n, _ := obj.body.Seek(0, io.SeekEnd)
	junk := make([]byte, max(n, 64))
	o.rng.fill(junk)
	o.stats.fault("garbage")
	obj.body, obj.etag = bytes.NewReader(junk), etagOf(junk)
	return obj
}

// segmentFaults returns a faultWriter when this segment body is chosen to
// stall or be truncated, else nil.
func (o *Origin) segmentFaults(w http.ResponseWriter, r *http.Request, k kind) *faultWriter {
	if k != kindSegment || r.Method == http.MethodHead {
		return nil
	}
	fw := &faultWriter{ResponseWriter: w, ctx: r.Context()}
	if o.rng.hit(o.opts.TruncateRate) {
		fw.truncate = true
		o.stats.fault("truncate")
		return fw
	}
	if o.rng.hit(o.opts.StallRate) {
		fw.stallFor = o.opts.StallFor
		o.stats.fault("stall")
		return fw
	}
	return nil
}

// notFound answers 404 with the given Cache-Control.
func notFound(w http.ResponseWriter, cc string, format string, args ...any) {
	w.Header().Set("Cache-Control", cc)
	http.Error(w, fmt.Sprintf(format, args...), http.StatusNotFound)
}
