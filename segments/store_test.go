package segments

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func newTestStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	s := New(cfg)
	t.Cleanup(s.Reset)
	return s
}

func mustGet(t *testing.T, s *Store, key string) *Hit {
	t.Helper()
	h, ok := s.Get(key)
	if !ok {
		t.Fatalf("Get(%q): miss", key)
	}
	return h
}

func TestStorePutGet(t *testing.T) {
	big := sampleEntry()
	big.Body = bytes.Repeat([]byte("0123456789abcdef"), 300<<10/16) // 300 KiB: several SetBig pieces
	tests := []struct {
		name string
		e    *Entry
	}{
		{"small_every_field", sampleEntry()},
		{"multi_chunk_body", big},
		{"empty", &Entry{}},
	}
	s := newTestStore(t, Config{MaxBytes: 128 << 20}) // see evicted_piece_is_miss
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Put(tt.name, tt.e); err != nil {
				t.Fatal(err)
			}
			h := mustGet(t, s, tt.name)
			defer h.Release()
			assertEntryEqual(t, &h.Entry, tt.e)
		})
	}
	if st := s.Stats(); st.Hits != 3 || st.Puts != 3 || st.Misses != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestStoreMisses(t *testing.T) {
	s := newTestStore(t, Config{MaxKeyLen: 8})
	if err := s.Put("gone", sampleEntry()); err != nil {
		t.Fatal(err)
	}
	s.Delete("gone")
	for _, key := range []string{"absent", "gone", "much-too-long-key"} {
		if h, ok := s.Get(key); ok || h != nil {
			t.Errorf("Get(%q) = hit", key)
		}
	}
	if err := s.Put("reset", sampleEntry()); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if _, ok := s.Get("reset"); ok {
		t.Error("hit after Reset")
	}
}

func TestPutRejects(t *testing.T) {
	s := newTestStore(t, Config{MaxKeyLen: 16, MaxHeaderBytes: 64, MaxEntryBytes: 1 << 10})
	tests := []struct {
		name string
		key  string
		e    *Entry
		want error
	}{
		{"key_too_long", strings.Repeat("k", 17), sampleEntry(), ErrKeyTooLong},
		{"headers_too_big", "k", &Entry{Header: http.Header{"X-Big": {strings.Repeat("v", 60)}}}, ErrHeadersTooBig},
		{"header_value_over_64KiB", "k", &Entry{Header: http.Header{"X": {strings.Repeat("v", 1<<16)}}}, ErrHeadersTooBig},
		{"entry_too_big", "k", &Entry{Body: make([]byte, 1<<10)}, ErrTooBig},
		{"nil_entry", "k", nil, ErrInvalidEntry},
		{"status_negative", "k", &Entry{Meta: Meta{Status: -1}}, ErrInvalidEntry},
		{"status_over_999", "k", &Entry{Meta: Meta{Status: 1000}}, ErrInvalidEntry},
		{"facts_over_bound", "k", &Entry{Meta: Meta{Facts: make([]byte, MaxFactsBytes+1)}}, ErrInvalidEntry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Put(tt.key, tt.e); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	st := s.Stats()
	if st.TooBigKey != 1 || st.HeadersTooBig != 2 || st.TooBig != 1 || st.Puts != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestGetCorruptIsMiss writes raw values under a key through fastcache, the
// way a bug or a format change would leave them.
func TestGetCorruptIsMiss(t *testing.T) {
	valid := encode(t, sampleEntry(), 1)
	tests := []struct {
		name    string
		value   []byte
		corrupt bool // counted in Stats.Corrupt (vs an ordinary miss)
	}{
		{"flipped_length_byte", func() []byte { b := bytes.Clone(valid); b[offBodyLen] ^= 0x10; return b }(), true},
		{"truncated", valid[:len(valid)-3], true},
		{"other_version", func() []byte { b := bytes.Clone(valid); b[3] = 9; return b }(), true},
		{"garbage", []byte("not an entry at all, but long enough to be read as one ................................"), true},
		{"shorter_than_header", []byte("SEG"), true},
	}
	s := newTestStore(t, Config{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.c.SetBig([]byte(tt.name), tt.value)
			if _, ok := s.Get(tt.name); ok {
				t.Fatal("corrupt value was a hit")
			}
			if got := s.Stats().Corrupt; got != uint64(i+1) {
				t.Errorf("Corrupt = %d, want %d", got, i+1)
			}
		})
	}
	t.Run("plain_set_value_is_miss", func(t *testing.T) {
		s.c.Set([]byte("plain"), []byte("16 bytes exactly")) // looks like a SetBig meta value
		if _, ok := s.Get("plain"); ok {
			t.Fatal("hit")
		}
	})
	t.Run("evicted_piece_is_miss", func(t *testing.T) {
		// 128 MiB: at 32 MiB each bucket is one chunk and two pieces of one
		// value landing in the same bucket evict each other.
		s := newTestStore(t, Config{MaxBytes: 128 << 20})
		if err := s.Put("pieces", &Entry{Body: bytes.Repeat([]byte{7}, 200<<10)}); err != nil {
			t.Fatal(err)
		}
		// Delete the first piece: SetBig keys it by (xxhash(value), 0).
		h := mustGet(t, s, "pieces")
		sub := make([]byte, 16)
		copy(sub, s.c.Get(nil, []byte("pieces"))[:8])
		h.Release()
		s.c.Del(sub)
		if _, ok := s.Get("pieces"); ok {
			t.Fatal("hit with a piece missing")
		}
	})
}

func TestConcurrentHitsReinsertOnce(t *testing.T) {
	s := newTestStore(t, Config{})
	if err := s.Put("hot", sampleEntry()); err != nil {
		t.Fatal(err)
	}
	s.written.Add(s.cfg.reinsertAfter + 1) // age the entry past the threshold
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				if h, ok := s.Get("hot"); ok {
					if string(h.Entry.Body) != "segment bytes" {
						t.Error("body changed")
					}
					h.Release()
				} else {
					t.Error("miss")
				}
			}
		})
	}
	wg.Wait()
	if st := s.Stats(); st.Reinserts != 1 {
		t.Errorf("Reinserts = %d (skips %d), want 1", st.Reinserts, st.ReinsertSkips)
	}
}

func TestReinsertDoesNotClobberNewerPut(t *testing.T) {
	s := newTestStore(t, Config{})
	if err := s.Put("k", &Entry{Body: []byte("old")}); err != nil {
		t.Fatal(err)
	}
	h := mustGet(t, s, "k")
	if err := s.Put("k", &Entry{Body: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	s.written.Add(s.cfg.reinsertAfter + 1)
	s.reinsertShared("k", h.shared) // a hit on "old" that decided to re-insert
	h.Release()
	h = mustGet(t, s, "k")
	defer h.Release()
	if string(h.Entry.Body) != "new" {
		t.Fatalf("Body = %q, want new", h.Entry.Body)
	}
}

func TestConcurrentPutGetDelete(t *testing.T) {
	s := newTestStore(t, Config{MaxBytes: 128 << 20})
	var wg sync.WaitGroup
	keys := []string{"a", "b", "c"}
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				k := keys[(i+j)%len(keys)]
				switch j % 5 {
				case 0:
					_ = s.Put(k, &Entry{Body: bytes.Repeat([]byte(k), 70<<10)})
				case 1:
					s.Delete(k)
				case 2:
					s.written.Add(s.cfg.reinsertAfter) // force re-insert attempts
					fallthrough
				default:
					if h, ok := s.Get(k); ok {
						if len(h.Entry.Body) != 70<<10 || h.Entry.Body[0] != k[0] {
							t.Errorf("Get(%q) body %d bytes", k, len(h.Entry.Body))
						}
						h.Release()
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestReinsertAfter(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name     string
		capacity int64
		fraction float64
		wantMiB  float64 // approximate
	}{
		{"one_chunk_per_bucket_floor", 32 * mib, 0.5, 0.5},
		{"256MiB_clamped", 256 * mib, 0.5, 41.6},
		{"512MiB_clamped", 512 * mib, 0.5, 142.4},
		{"4GiB_configured_fraction", 4096 * mib, 0.5, 2048},
		{"4GiB_smaller_fraction", 4096 * mib, 0.1, 409.6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := float64(reinsertAfter(tt.capacity, tt.fraction)) / mib
			if got < tt.wantMiB*0.99 || got > tt.wantMiB*1.01 {
				t.Errorf("reinsertAfter = %.1f MiB, want ≈ %.1f", got, tt.wantMiB)
			}
		})
	}
}

func TestCapacityAndFootprint(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct{ in, want int64 }{{0, 32 * mib}, {32 * mib, 32 * mib}, {33 * mib, 64 * mib}, {1000 * mib, 1024 * mib}} {
		if got := capacity(tt.in); got != tt.want {
			t.Errorf("capacity(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		key, value int
		want       uint64
	}{
		{3, 100, 4 + 16 + 100 + 4 + 3 + 16},
		{3, fcSubvalue, fcChunk + 4 + 3 + 16},            // a full piece costs a chunk
		{3, fcSubvalue + 40<<10, 2*fcChunk + 4 + 3 + 16}, // a > 32 KiB tail cannot share its chunk
	} {
		if got := footprint(tt.key, tt.value); got != tt.want {
			t.Errorf("footprint(%d, %d) = %d, want %d", tt.key, tt.value, got, tt.want)
		}
	}
}
