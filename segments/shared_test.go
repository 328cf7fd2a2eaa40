package segments

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

const twoMiB = 2 << 20

func putBig(t *testing.T, s *Store, key string, fill byte) []byte {
	t.Helper()
	body := bytes.Repeat([]byte{fill}, twoMiB)
	if err := s.Put(key, &Entry{Meta: Meta{Status: 200}, Body: body}); err != nil {
		t.Fatal(err)
	}
	return body
}

// Concurrent readers of one stored value hold one copy between them, freed
// when the last one releases.
func TestConcurrentHitsShareOneCopy(t *testing.T) {
	s := newTestStore(t, Config{MaxBytes: 256 << 20}) // no hot layer: every hit is a fastcache hit
	body := putBig(t, s, "/big.ts", 'x')
	const readers = 64
	hits := make([]*Hit, readers)
	var wg sync.WaitGroup
	for i := range hits {
		wg.Go(func() { hits[i] = mustGet(t, s, "/big.ts") })
	}
	wg.Wait()
	st := s.Stats()
	if st.SharedEntries != 1 || st.SharedBytes != 4<<20 || st.SharedLoads != 1 || st.SharedJoins != readers-1 {
		t.Fatalf("%d readers: %d copies, %d bytes, %d loads, %d joins; want 1 copy of 4 MiB", readers,
			st.SharedEntries, st.SharedBytes, st.SharedLoads, st.SharedJoins)
	}
	for _, h := range hits {
		if !bytes.Equal(h.Entry.Body, body) {
			t.Fatal("shared body differs")
		}
		h.Release()
	}
	if st := s.Stats(); st.SharedEntries != 0 || st.SharedBytes != 0 {
		t.Fatalf("after release: %d copies, %d bytes held", st.SharedEntries, st.SharedBytes)
	}
}

// Copies for distinct keys count against MaxSharedBytes; beyond it a hit is a
// miss, and a released copy makes room again.
func TestHitCopiesBounded(t *testing.T) {
	s := newTestStore(t, Config{MaxBytes: 256 << 20, MaxEntryBytes: 4 << 20, MaxSharedBytes: 8 << 20}) // two 4 MiB buffers
	for i := range 3 {
		putBig(t, s, fmt.Sprintf("/%d.ts", i), byte('a'+i))
	}
	a, b := mustGet(t, s, "/0.ts"), mustGet(t, s, "/1.ts")
	if h, ok := s.Get("/2.ts"); ok {
		h.Release()
		t.Fatal("a third copy beyond the bound was handed out")
	}
	if st := s.Stats(); st.SharedRefused != 1 || st.SharedBytes > 8<<20 {
		t.Fatalf("refused %d, bytes %d", st.SharedRefused, st.SharedBytes)
	}
	again := mustGet(t, s, "/0.ts") // joining a held copy costs nothing
	again.Release()
	a.Release()
	c := mustGet(t, s, "/2.ts")
	if c.Entry.Body[0] != 'c' {
		t.Fatalf("body %q", c.Entry.Body[:1])
	}
	c.Release()
	b.Release()
}

// A Put while readers hold the old copy: they keep reading it intact, new
// readers get the new value, and the old copy is freed by its last reader.
func TestSharedCopyReplacedByPut(t *testing.T) {
	s := newTestStore(t, Config{MaxBytes: 256 << 20})
	old := putBig(t, s, "/k.ts", 'o')
	h := mustGet(t, s, "/k.ts")
	putBig(t, s, "/k.ts", 'n')
	h2 := mustGet(t, s, "/k.ts")
	if h2.Entry.Body[0] != 'n' || !bytes.Equal(h.Entry.Body, old) {
		t.Fatalf("new reader got %q, old reader's body changed: %v", h2.Entry.Body[:1], !bytes.Equal(h.Entry.Body, old))
	}
	if st := s.Stats(); st.SharedEntries != 1 || st.SharedBytes != 8<<20 {
		t.Fatalf("%d copies in the set, %d bytes held; want 1 and both copies counted", st.SharedEntries, st.SharedBytes)
	}
	h.Release()
	h2.Release()
	if st := s.Stats(); st.SharedBytes != 0 {
		t.Fatalf("%d bytes held after release", st.SharedBytes)
	}
}

// With a hot layer, a value admitted there leaves the shared set at once.
func TestHotAdmissionLeavesSharedSet(t *testing.T) {
	s := newTestStore(t, Config{MaxBytes: 256 << 20, HotBytes: 64 << 20})
	putBig(t, s, "/h.ts", 'h')
	h := mustGet(t, s, "/h.ts")
	defer h.Release()
	if st := s.Stats(); st.HotEntries != 1 || st.SharedBytes != 0 {
		t.Fatalf("hot entries %d, shared bytes %d", st.HotEntries, st.SharedBytes)
	}
}
