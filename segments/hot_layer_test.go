package segments

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func hotStore(t *testing.T, hotBytes int64) *Store {
	t.Helper()
	return New(Config{MaxBytes: 256 << 20, HotBytes: hotBytes})
}

func putBody(t *testing.T, s *Store, key string, body []byte) {
	t.Helper()
	e := &Entry{Meta: Meta{Status: 200, StoredAt: time.Unix(1, 0)}, Header: http.Header{"Content-Type": {"video/mp2t"}}, Body: body}
	if err := s.Put(key, e); err != nil {
		t.Fatal(err)
	}
}

func getBody(t *testing.T, s *Store, key string) ([]byte, bool) {
	t.Helper()
	h, ok := s.Get(key)
	if !ok {
		return nil, false
	}
	defer h.Release()
	return append([]byte(nil), h.Entry.Body...), true
}

func TestHotLayerServesWithoutCopyAndStaysCoherent(t *testing.T) {
	s := hotStore(t, 8<<20)
	putBody(t, s, "/a.ts", []byte("version-1"))
	for i := 0; i < 3; i++ {
		if b, ok := getBody(t, s, "/a.ts"); !ok || string(b) != "version-1" {
			t.Fatalf("get %d: %q %v", i, b, ok)
		}
	}
	st := s.Stats()
	if st.HotEntries != 1 || st.HotHits < 2 {
		t.Fatalf("hot layer not used: %+v", st)
	}
	// A Put replaces the value everywhere: the hot copy must not resurface.
	putBody(t, s, "/a.ts", []byte("version-2"))
	if b, _ := getBody(t, s, "/a.ts"); string(b) != "version-2" {
		t.Fatalf("after Put: %q", b)
	}
	s.Delete("/a.ts")
	if _, ok := getBody(t, s, "/a.ts"); ok {
		t.Fatal("deleted entry served from the hot layer")
	}
	putBody(t, s, "/b.ts", []byte("b"))
	getBody(t, s, "/b.ts")
	s.Reset()
	if _, ok := getBody(t, s, "/b.ts"); ok {
		t.Fatal("entry served from the hot layer after Reset")
	}
}

func TestHotLayerBoundedAndKeepsReferencedEntries(t *testing.T) {
	const hotBytes = 1 << 20
	s := hotStore(t, hotBytes)
	body := bytes.Repeat([]byte("x"), 60<<10)
	putBody(t, s, "/hot.ts", body)
	getBody(t, s, "/hot.ts") // admitted
	for i := 0; i < 200; i++ {
		k := fmt.Sprintf("/cold-%d.ts", i)
		putBody(t, s, k, body)
		getBody(t, s, k)         // admitted, pushes others out
		getBody(t, s, "/hot.ts") // keeps its reference bit set
		if st := s.Stats(); st.HotBytes > hotBytes {
			t.Fatalf("hot layer holds %d bytes, bound %d", st.HotBytes, hotBytes)
		}
	}
	before := s.Stats().HotHits
	getBody(t, s, "/hot.ts")
	if s.Stats().HotHits != before+1 {
		t.Fatal("the referenced entry was evicted from the hot layer")
	}
	if s.Stats().HotEvictions == 0 {
		t.Fatal("nothing evicted: the bound was not exercised")
	}
}

// Concurrent Puts and Gets: a Get never returns a value older than the last
// Put that completed before it started.
func TestHotLayerNeverServesReplacedValues(t *testing.T) {
	s := hotStore(t, 4<<20)
	var mu sync.RWMutex
	version := 0
	putBody(t, s, "/p.m3u8", []byte("v0"))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.RLock()
				floor := version
				mu.RUnlock()
				b, ok := getBody(t, s, "/p.m3u8")
				var got int
				if ok {
					fmt.Sscanf(string(b), "v%d", &got)
				}
				if !ok || got < floor {
					t.Errorf("read v%d after v%d was stored", got, floor)
					return
				}
			}
		}()
	}
	for v := 1; v <= 300; v++ {
		putBody(t, s, "/p.m3u8", []byte(fmt.Sprintf("v%d", v)))
		mu.Lock()
		version = v
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
}
