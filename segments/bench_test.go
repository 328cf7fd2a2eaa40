package segments

import (
	"net/http"
	"testing"
)

func benchmarkGet(b *testing.B, size int) {
	s := New(Config{MaxBytes: 256 << 20})
	defer s.Reset()
	e := &Entry{
		Meta:   Meta{Status: 200},
		Header: http.Header{"Content-Type": {"video/mp4"}, "Etag": {`"v1"`}, "Last-Modified": {"Mon, 02 Jan 2006 15:04:05 GMT"}},
		Body:   make([]byte, size),
	}
	if err := s.Put("/vod/seg.m4s", e); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		h, ok := s.Get("/vod/seg.m4s")
		if !ok {
			b.Fatal("miss")
		}
		h.Release()
	}
}

func BenchmarkGet1KiB(b *testing.B) { benchmarkGet(b, 1<<10) }
func BenchmarkGet2MiB(b *testing.B) { benchmarkGet(b, 2<<20) }

func BenchmarkPut1KiB(b *testing.B) {
	s := New(Config{})
	defer s.Reset()
	e := &Entry{Meta: Meta{Status: 200}, Header: http.Header{"Content-Type": {"video/mp4"}}, Body: make([]byte, 1<<10)}
	b.ReportAllocs()
	b.SetBytes(1 << 10)
	for b.Loop() {
		if err := s.Put("/vod/seg.m4s", e); err != nil {
			b.Fatal(err)
		}
	}
}
