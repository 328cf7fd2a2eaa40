package testorigin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// mediaFile serves init.mp4 (fMP4 only) and seg_<n>.ts / seg_<n>.m4s: n is
// the three-digit fixture index for VOD, the absolute MSN / $Number$ live.
func (o *Origin) mediaFile(w http.ResponseWriter, r *http.Request) {
	m, ok := o.parseMedia(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	file, ctype := r.PathValue("file"), o.contentType(m)
	if file == "init.mp4" && m.fmp4 {
		o.serve(w, r, bytesObject(kindSegment, m.rend.init, ctype, ccVOD, m.rend.initETag, o.start))
		return
	}
	n, ok := parseSegName(file, m.fmp4, !m.live)
	switch {
	case !ok:
		http.NotFound(w, r)
	case !m.live:
		o.serveVODSegment(w, r, m.rend, n, ctype)
	case !o.live.servable(n):
		notFound(w, ccLiveMiss, "testorigin: segment %d is not available now", n)
	default:
		o.serveLiveSegment(w, r, m, n, ctype)
	}
}

func (o *Origin) contentType(m mediaReq) string {
	switch {
	case !m.fmp4:
		return mimeTS
	case m.rend.name == audioName:
		return mimeAudioMP4
	}
	return mimeVideoMP4
}

func (o *Origin) serveVODSegment(w http.ResponseWriter, r *http.Request, rend *rendition, n int64, ctype string) {
	if n >= cycleSegments {
		http.NotFound(w, r)
		return
	}
	s := rend.segs[n]
	o.serve(w, r, bytesObject(kindSegment, s.data, ctype, ccVOD, s.etag, o.start))
}

// serveLiveSegment serves fixture segment msn%6 with its timestamps moved on
// by one fixture length (12 s) per completed cycle, so the live stream is
// continuous across the wrap for both TS and fMP4.
func (o *Origin) serveLiveSegment(w http.ResponseWriter, r *http.Request, m mediaReq, msn int64, ctype string) {
	s, cycles := m.rend.segs[msn%cycleSegments], msn/cycleSegments
	var data []byte
	var err error
	if m.fmp4 {
		data, err = restamp(s.data, m.rend.timescales, cycles*int64(cycleDur.Seconds()), uint32(msn+1))
	} else {
		data, err = restampTS(s.data, m.rend.ccAdvance, cycles)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	etag := strings.TrimSuffix(s.etag, `"`) + "-" + strconv.FormatInt(msn, 10) + `"`
	o.serve(w, r, bytesObject(kindSegment, data, ctype, ccVOD, etag, o.live.available(msn)))
}

// parseSegName parses seg_<n>.ts or seg_<n>.m4s. VOD names are zero-padded
// to three digits (seg_004.ts); live names are canonical decimals
// (seg_1234.ts), so every segment has exactly one URL.
func parseSegName(file string, fmp4, vod bool) (int64, bool) {
	ext := ".ts"
	if fmp4 {
		ext = ".m4s"
	}
	rest, ok1 := strings.CutPrefix(file, "seg_")
	digits, ok2 := strings.CutSuffix(rest, ext)
	if !ok1 || !ok2 {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	want := strconv.FormatInt(n, 10)
	if vod {
		want = fmt.Sprintf("%03d", n)
	}
	return n, digits == want
}
