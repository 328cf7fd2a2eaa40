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

// maxKeptHeads bounds the heads one entry keeps: one per key (its CORS
// grant, mostly: a browser player sends Origin, an app does not), so that
// viewers of both kinds do not replace each other's head on every hit.
const maxKeptHeads = 4

// fastHeads is a memo's value: immutable, replaced whole by keepHead.
type fastHeads []*fastHead

func (hs fastHeads) find(key hitHeadKey) *fastHead {
	for _, m := range hs {
		if m.key.same(key) {
			return m
		}
	}
	return nil
}

func (s *fastSink) reuseHead(memo *segments.Memo, key hitHeadKey, age int64, size int) (string, bool) {
	hs, _ := memo.Load().(fastHeads)
	m := hs.find(key)
	if m == nil {
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

// keepHead adds the head commitHead built for a plain hit to the entry's
// memo, for the next ones: the newest maxKeptHeads, one per key (a head kept
// for a key already there replaces it). Two hits storing at once may lose
// one of the two heads; the next hit of that key keeps it.
func (s *fastSink) keepHead() {
	rh := &s.ctx.Response.Header
	if s.status != http.StatusOK || rh.ConnectionClose() {
		return
	}
	m := &fastHead{key: s.memoKey, enc: s.hdr.Get("Content-Encoding")}
	rh.CopyTo(&m.hdr) // Age and all: reuseHead sets Age in place (fasthttp's Del moves the last header into the hole, which would reorder a repeated header's values)
	old, _ := s.memo.Load().(fastHeads)
	hs := make(fastHeads, 0, maxKeptHeads)
	hs = append(hs, m)
	for _, o := range old {
		if len(hs) < maxKeptHeads && !o.key.same(m.key) {
			hs = append(hs, o)
		}
	}
	s.memo.Store(hs)
}
