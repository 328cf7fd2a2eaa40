package edge

import (
	"net/http"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/segments"
)

// fastHead is a plain hit's head as the fasthttp front end sent it
// (hithead.go), kept in the entry's memo: the whole serialised-to-be
// response header, whose Age each reuse replaces. It is never written once
// stored; CopyTo only reads it, from every connection at once.
type fastHead struct {
	key hitHeadKey
	hdr fasthttp.ResponseHeader
	enc string
}

var ageKey = []byte("Age")

// smallAgeBytes are smallAges as bytes.
var smallAgeBytes = func() [][]byte {
	a := make([][]byte, len(smallAges))
	for i, v := range smallAges {
		a[i] = []byte(v[0])
	}
	return a
}()

func ageBytes(sec int64) []byte {
	if sec >= 0 && sec < int64(len(smallAgeBytes)) {
		return smallAgeBytes[sec]
	}
	return []byte(ageValue(sec)[0])
}

func (s *fastSink) reuseHead(memo *segments.Memo, key hitHeadKey, age int64, size int) (string, bool) {
	m, _ := memo.Load().(*fastHead)
	if m == nil || !m.key.same(key) {
		s.memo, s.memoKey = memo, key // keep the head this response builds (keepHead)
		return "", false
	}
	rh := &s.ctx.Response.Header
	m.hdr.CopyTo(rh)
	rh.SetCanonical(ageKey, ageBytes(age))
	rh.SetContentLength(size)
	s.status, s.reused = http.StatusOK, true
	s.h.metrics.reused.add(s.ctx.ConnID(), 1)
	return m.enc, true
}

// keepHead stores the head commitHead built for a plain hit in the entry's
// memo, for the next ones.
func (s *fastSink) keepHead() {
	rh := &s.ctx.Response.Header
	if s.status != http.StatusOK || rh.ConnectionClose() {
		return
	}
	m := &fastHead{key: s.memoKey, enc: s.hdr.Get("Content-Encoding")}
	rh.CopyTo(&m.hdr) // Age and all: reuseHead sets Age in place (fasthttp's Del moves the last header into the hole, which would reorder a repeated header's values)
	s.memo.Store(m)
}
