package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/streamedge/streamedge/segments"
)

// TestShippedStoreKeepsHotObjectThroughColdFlood builds the store exactly as
// serve does (storeConfig: 1/16 of -cache-size is the hot layer). A hot
// object read all along is served by the hot layer, never by fastcache; it
// must still be re-inserted into fastcache as the FIFO rings turn over, or it
// is lost from fastcache, and so from the snapshot, once it leaves the hot
// layer (or the process restarts).
func TestShippedStoreKeepsHotObjectThroughColdFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 768 MiB")
	}
	const mib = 1 << 20
	c, err := parseFlags("serve", []string{"-origin", "http://127.0.0.1:1", "-cache-size", "256MiB", "-max-object-size", "8MiB"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := storeConfig(c)
	if cfg.HotBytes == 0 {
		t.Fatal("the shipped configuration has no hot layer: nothing to test")
	}
	st, _ := warmStore("", cfg, newLogger("error", io.Discard))
	hot := &segments.Entry{Meta: segments.Meta{Status: 200}, Body: bytes.Repeat([]byte("hot!"), mib/16)}
	if err := st.Put("hot", hot); err != nil {
		t.Fatal(err)
	}
	readHot := func(s *segments.Store) bool {
		h, ok := s.Get("hot")
		if ok {
			defer h.Release()
			if !bytes.Equal(h.Entry.Body, hot.Body) {
				t.Fatal("hot body changed")
			}
		}
		return ok
	}
	cold := &segments.Entry{Meta: segments.Meta{Status: 200}, Body: make([]byte, mib)}
	flood := 3 * int(st.Stats().MaxBytes)
	for i, written := 0, 0; written < flood; i++ {
		binary.LittleEndian.PutUint64(cold.Body, uint64(i)) // distinct values, distinct pieces
		if err := st.Put(fmt.Sprintf("cold/%d", i), cold); err != nil {
			t.Fatal(err)
		}
		written += len(cold.Body)
		if !readHot(st) {
			t.Fatalf("hot object lost after %d MiB of cold writes", written/mib)
		}
	}
	s := st.Stats()
	if s.HotHits == 0 || s.HotReinserts == 0 {
		t.Fatalf("hot hits %d, re-inserts from the hot layer %d: want both > 0", s.HotHits, s.HotReinserts)
	}
	dir := filepath.Join(t.TempDir(), "snap")
	if err := st.SaveToDir(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := segments.LoadFromDir(dir, cfg) // its hot layer is empty: a hit comes from fastcache
	if err != nil {
		t.Fatal(err)
	}
	if !readHot(loaded) {
		t.Fatalf("hot object missing from fastcache and the snapshot after a %d MiB flood (stats %+v)", flood/mib, s)
	}
	t.Logf("hot hits %d, re-inserts %d (from the hot layer %d), evicted ≈ %d MiB", s.HotHits, s.Reinserts, s.HotReinserts, s.EvictedBytes/mib)
}
