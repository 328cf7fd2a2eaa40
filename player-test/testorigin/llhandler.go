package testorigin

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Cache-Control per rfc8216bis Appendix B.1 / the CDN guidance (TD = 2 s).
const (
	ccLLBlocking    = "max-age=12" // blocking playlist 2xx: 6 × TD
	ccLLBlockingErr = "max-age=8"  // blocking playlist errors: 4 × TD
	ccLLPlaylist    = "max-age=1"  // non-blocking playlist 2xx: TD/2
	ccLLPlaylistErr = "max-age=2"  // non-blocking playlist errors: 1 × TD
	ccLLPart        = "public, max-age=12"
	ccLLPartErr     = "max-age=2" // parts and hints: errors 1 × TD
	llPoll          = 50 * time.Millisecond
)

func (o *Origin) llRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /live/"+llPkg+"/master.m3u8", func(w http.ResponseWriter, r *http.Request) {
		body := o.fx.masterPlaylist(true)
		o.serve(w, r, bytesObject(kindManifest, body, mimeHLS, o.liveCacheControl(), etagOf(body), o.start))
	})
	m.HandleFunc("GET /live/"+llPkg+"/{rend}/index.m3u8", o.llPlaylist)
	m.HandleFunc("GET /live/"+llPkg+"/{rend}/{file}", o.llMedia)
	return m
}

// advanceLimit is the Advance Part Limit: 3 / PART-TARGET parts when
// PART-TARGET < 1 s, else 3 (§6.2.5.2).
func (s *llStream) advanceLimit() int {
	if s.partTarget >= time.Second {
		return 3
	}
	return int(math.Ceil(3 / s.partTarget.Seconds()))
}

// llPlaylist answers a media playlist request, holding blocking reloads
// until the playlist holds the requested part or segment.
func (o *Origin) llPlaylist(w http.ResponseWriter, r *http.Request) {
	rend := o.ll.rendition(r.PathValue("rend"))
	if rend == nil {
		notFound(w, ccLLPlaylistErr, "testorigin: no rendition %q", r.PathValue("rend"))
		return
	}
	d, err := parseDirectives(r.URL.Query())
	if err == nil && d.hasMSN {
		err = o.llHold(r, rend, d)
	}
	if err != nil {
		o.llPlaylistError(w, err, r.URL.Query().Has("_HLS_msn"))
		return
	}
	now := o.now()
	body, cc := o.ll.llPlaylistAt(rend, now, d.skip), ccLLPlaylist
	if d.hasMSN {
		cc = ccLLBlocking
		setAvailableAt(w.Header(), o.ll.awaited(rend, d))
	}
	o.serve(w, r, bytesObject(kindManifest, body, mimeHLS, cc, etagOf(body), now))
}

// holdError is a blocking request the origin could not complete in time.
type holdError struct{ status int }

func (e *holdError) Error() string { return "testorigin: " + http.StatusText(e.status) }

func (o *Origin) llPlaylistError(w http.ResponseWriter, err error, blocking bool) {
	status := http.StatusBadRequest
	if he := (*holdError)(nil); errors.As(err, &he) {
		status = he.status
	}
	cc := ccLLPlaylistErr
	if blocking {
		cc = ccLLBlockingErr
	}
	w.Header().Set("Cache-Control", cc)
	http.Error(w, err.Error(), status)
}

// llHold validates the directives against the live edge (400 when more
// than two segments or the Advance Part Limit ahead) and waits until the
// playlist contains part d.part of d.msn (or the whole segment d.msn).
func (o *Origin) llHold(r *http.Request, rend *llRendition, d llDirectives) error {
	msn, part := d.msn, d.part
	if d.hasPart && part >= len(rend.partsOf(msn)) {
		msn, part = msn+1, 0 // beyond the last part: part 0 of the next segment
	}
	now := o.now()
	n, _ := o.ll.edge(rend, now)
	if msn > n-1+2 {
		return fmt.Errorf("%w: _HLS_msn=%d is more than two segments past %d", errDirective, d.msn, n-1)
	}
	if !d.hasPart {
		part = len(rend.partsOf(msn)) - 1 // the whole segment
	} else if a := o.ll.partsAhead(rend, msn, part, now); a > o.ll.advanceLimit() {
		return fmt.Errorf("%w: _HLS_part=%d is %d parts past the newest", errDirective, d.part, a)
	}
	if !o.waitPublished(r, rend, msn, part) {
		return &holdError{http.StatusServiceUnavailable}
	}
	return nil
}

// waitPublished waits until part k of msn is published, at most llHoldCap
// or until the request ends. It polls the clock so tests may drive it.
func (o *Origin) waitPublished(r *http.Request, rend *llRendition, msn int64, k int) bool {
	at := o.ll.published(rend, msn, k)
	limit := o.now().Add(llHoldCap)
	for {
		now := o.now()
		switch {
		case !now.Before(at):
			return true
		case !now.Before(limit):
			return false
		}
		if !sleep(r.Context(), min(at.Sub(now), limit.Sub(now), llPoll)) {
			return false
		}
	}
}

// llMedia serves init.mp4, complete segments seg_<msn>.m4s and parts
// seg_<msn>.part_<k>.m4s; a part a little ahead of the edge (the preload
// hint) is held until published and then streamed.
func (o *Origin) llMedia(w http.ResponseWriter, r *http.Request) {
	rend := o.ll.rendition(r.PathValue("rend"))
	if rend == nil {
		http.NotFound(w, r)
		return
	}
	file := r.PathValue("file")
	ctype := mimeVideoMP4
	if rend == o.ll.audio {
		ctype = mimeAudioMP4
	}
	if file == "init.mp4" {
		o.serve(w, r, bytesObject(kindSegment, rend.init, ctype, ccVOD, rend.initETag, o.start))
		return
	}
	msn, k, isPart, ok := parsePartName(file)
	now := o.now()
	n, _ := o.ll.edge(rend, now)
	switch {
	case !ok || (isPart && k >= len(rend.partsOf(msn))):
		notFound(w, ccLLPartErr, "testorigin: no such LL-HLS resource %q", file)
	case msn < n-liveRetain:
		notFound(w, ccLLPartErr, "testorigin: %s has left the window", file)
	case !isPart && msn >= n:
		notFound(w, ccLiveMiss, "testorigin: segment %d is not complete", msn)
	case !isPart:
		data, err := o.ll.segmentBytes(rend, msn)
		at := o.ll.published(rend, msn, len(rend.partsOf(msn))-1)
		setAvailableAt(w.Header(), at)
		o.serveLL(w, r, data, err, ctype, ccVOD, at)
	case o.ll.isPublished(rend, msn, k, now):
		data, err := o.ll.partBytes(rend, msn, k)
		setAvailableAt(w.Header(), o.ll.published(rend, msn, k))
		o.serveLL(w, r, data, err, ctype, ccLLPart, o.ll.published(rend, msn, k))
	case o.ll.partsAhead(rend, msn, k, now) > o.ll.advanceLimit():
		notFound(w, ccLLPartErr, "testorigin: part %s is not hinted", file)
	default:
		o.streamPart(w, r, rend, msn, k, ctype)
	}
}

func (o *Origin) serveLL(w http.ResponseWriter, r *http.Request, data []byte, err error, ctype, cc string, mod time.Time) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	o.serve(w, r, bytesObject(kindSegment, data, ctype, cc, etagOf(data), mod))
}

// streamPart holds a request for a part that is not yet published, then
// sends it chunked (no Content-Length) box by box, as LL-HLS origins do. No
// byte is sent before the whole part exists (§6.2.6).
func (o *Origin) streamPart(w http.ResponseWriter, r *http.Request, rend *llRendition, msn int64, k int, ctype string) {
	if !o.waitPublished(r, rend, msn, k) {
		if r.Context().Err() == nil {
			w.Header().Set("Cache-Control", ccLLPartErr)
			http.Error(w, "testorigin: part not published in time", http.StatusServiceUnavailable)
		}
		return
	}
	data, err := o.ll.partBytes(rend, msn, k)
	if err != nil || r.Header.Get("Range") != "" {
		o.serveLL(w, r, data, err, ctype, ccLLPart, o.ll.published(rend, msn, k))
		return
	}
	h := w.Header()
	setAvailableAt(h, o.ll.published(rend, msn, k))
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", ccLLPart)
	h.Set("ETag", etagOf(data))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	boxes, _ := children(data, 0, len(data))
	rc := http.NewResponseController(w)
	for _, b := range boxes {
		if _, err := w.Write(data[b.start:b.end]); err != nil {
			return
		}
		_ = rc.Flush()
	}
}

// parsePartName parses seg_<msn>.m4s and seg_<msn>.part_<k>.m4s (canonical
// decimals only, so every resource has one URL).
func parsePartName(file string) (msn int64, k int, isPart, ok bool) {
	base, okExt := strings.CutSuffix(file, ".m4s")
	base, okPre := strings.CutPrefix(base, "seg_")
	if !okExt || !okPre {
		return 0, 0, false, false
	}
	segPart, partPart, isPart := strings.Cut(base, ".part_")
	msn, ok = canonicalInt(segPart)
	if !ok || !isPart {
		return msn, 0, false, ok
	}
	p, ok := canonicalInt(partPart)
	return msn, int(min(p, 1<<20)), true, ok
}

func canonicalInt(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0 && strconv.FormatInt(n, 10) == s
}

// partBytes is part k of segment msn, restamped for its cycle.
func (s *llStream) partBytes(r *llRendition, msn int64, k int) ([]byte, error) {
	p := r.partsOf(msn)[k]
	return restamp(p.data, r.timescales, (msn/cycleSegments)*int64(cycleDur.Seconds()), uint32(msn*8+int64(k)+1))
}

// segmentBytes is segment msn: its parts back to back.
func (s *llStream) segmentBytes(r *llRendition, msn int64) ([]byte, error) {
	var out []byte
	for k := range r.partsOf(msn) {
		b, err := s.partBytes(r, msn, k)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}
