package segments

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

// TestHotObjectSurvivesColdFlood: fastcache evicts FIFO per bucket, so
// without re-insert a 1 MiB object read all the time is evicted once about a
// cache's worth of cold bytes has been written after it.
//
// The cache is 256 MiB, not the 32 MiB floor: at 32 MiB every bucket is a
// single 64 KiB chunk, and any write to a bucket holding a full 64 KiB piece
// wipes it, so no re-insert policy can keep a multi-piece object alive.
func TestHotObjectSurvivesColdFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1 GiB")
	}
	const (
		mib       = 1 << 20
		cacheSize = 256 * mib
		flood     = 4 * cacheSize
		readEvery = 4 * mib
	)
	s := newTestStore(t, Config{MaxBytes: cacheSize})
	hot := &Entry{Meta: Meta{Status: 200}, Body: bytes.Repeat([]byte("hot!"), mib/4)}
	if err := s.Put("hot", hot); err != nil {
		t.Fatal(err)
	}
	cold := &Entry{Meta: Meta{Status: 200}, Body: make([]byte, mib)}
	var written, lastRead int
	for i := 0; written < flood; i++ {
		binary.LittleEndian.PutUint64(cold.Body, uint64(i)) // distinct values, distinct pieces
		if err := s.Put(fmt.Sprintf("cold/%d", i), cold); err != nil {
			t.Fatal(err)
		}
		written += len(cold.Body)
		if written-lastRead >= readEvery {
			lastRead = written
			h, ok := s.Get("hot")
			if !ok {
				t.Fatalf("hot object evicted after %d MiB of cold writes (stats %+v)", written/mib, s.Stats())
			}
			if !bytes.Equal(h.Entry.Body, hot.Body) {
				t.Fatal("hot body changed")
			}
			h.Release()
		}
	}
	for i := range 10 {
		if h, ok := s.Get(fmt.Sprintf("cold/%d", i)); ok {
			h.Release()
			t.Errorf("early cold object %d still cached after a %d MiB flood", i, flood/mib)
		}
	}
	st := s.Stats()
	if st.Reinserts == 0 || st.EvictedBytes < flood-cacheSize {
		t.Errorf("Reinserts = %d, EvictedBytes = %d MiB; want > 0, ≥ %d MiB", st.Reinserts, st.EvictedBytes/mib, (flood-cacheSize)/mib)
	}
	t.Logf("reinserts %d, evicted ≈ %d MiB, written %d MiB", st.Reinserts, st.EvictedBytes/mib, st.BytesWritten/mib)
}
