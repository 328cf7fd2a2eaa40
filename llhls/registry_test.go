package llhls

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/failure"
)

func snap(t *testing.T, body string) *Snapshot {
	t.Helper()
	st, ok := ParseState([]byte(body))
	if !ok {
		t.Fatalf("not a media playlist:\n%s", body)
	}
	return &Snapshot{Status: 200, Body: []byte(body), State: st, At: time.Now()}
}

// withParts is llPlaylist advanced to part p of segment 12.
func withParts(p int) string {
	var b strings.Builder
	head, _, _ := strings.Cut(llPlaylist, "#EXT-X-PART:DURATION=0.500,URI=\"seg_12.part_0.m4s\"")
	b.WriteString(head)
	for k := 0; k <= p; k++ {
		b.WriteString("#EXT-X-PART:DURATION=0.500,URI=\"seg_12.part_" + string(rune('0'+k)) + ".m4s\"\n")
	}
	b.WriteString("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg_12.part_" + string(rune('0'+p+1)) + ".m4s\"\n")
	return b.String()
}

func part(m int64, p int) Directives { return Directives{MSN: m, Part: p, HasMSN: true, HasPart: true} }

func TestOfferReleasesEveryHolderTheNewerPlaylistSatisfies(t *testing.T) {
	r := New(Config{})
	r.Offer("/r/index.m3u8", SkipNone, snap(t, withParts(1)))
	want2, _ := r.Hold(context.Background(), "/r/index.m3u8", part(12, 2), time.Minute)
	want2b, _ := r.Hold(context.Background(), "/r/index.m3u8", part(12, 2), time.Minute)
	want3, _ := r.Hold(context.Background(), "/r/index.m3u8", part(12, 3), time.Minute)
	delta, _ := r.Hold(context.Background(), "/r/index.m3u8", Directives{MSN: 12, Part: 2, HasMSN: true, HasPart: true, Skip: SkipYes}, time.Minute)
	defer func() {
		for _, h := range []*Holder{want2, want2b, want3, delta} {
			h.Leave()
		}
	}()
	if r.Held() != 4 {
		t.Fatalf("held %d, want 4", r.Held())
	}
	newer := snap(t, withParts(2))
	if n := r.Offer("/r/index.m3u8", SkipNone, newer); n != 2 {
		t.Fatalf("released %d, want the two holders of part 12.2", n)
	}
	for _, h := range []*Holder{want2, want2b} {
		if !errors.Is(context.Cause(h.Context()), ErrReleased) || h.Snapshot() != newer {
			t.Errorf("holder of 12.2: cause %v", context.Cause(h.Context()))
		}
	}
	if want3.Context().Err() != nil || delta.Context().Err() != nil {
		t.Error("the holder of 12.3 and the delta-update holder must keep waiting")
	}
	if n := r.Offer("/r/index.m3u8", SkipNone, snap(t, withParts(1))); n != 0 || r.Lookup("/r/index.m3u8", SkipNone) != newer {
		t.Error("an older playlist replaced the newer one")
	}
	if r.Held() != 2 {
		t.Errorf("held %d after release, want 2", r.Held())
	}
}

func TestHoldBoundsAnswerHoldersFull(t *testing.T) {
	r := New(Config{MaxHolders: 3, MaxHoldersPerPlaylist: 2})
	var hs []*Holder
	for i, rend := range []string{"/a.m3u8", "/a.m3u8", "/a.m3u8", "/b.m3u8", "/c.m3u8"} {
		h, err := r.Hold(context.Background(), rend, part(1, 0), time.Minute)
		wantFull := i == 2 || i == 4 // third on /a (per playlist), fourth in all
		if wantFull != errors.Is(err, failure.ErrHoldersFull) {
			t.Fatalf("hold %d on %s: %v", i, rend, err)
		}
		if err == nil {
			hs = append(hs, h)
		}
	}
	hs[0].Leave()
	hs[0].Leave() // idempotent
	if r.Held() != 2 {
		t.Fatalf("held %d after one left, want 2", r.Held())
	}
	h, err := r.Hold(context.Background(), "/c.m3u8", part(1, 0), time.Minute)
	if err != nil {
		t.Fatalf("a slot freed by Leave: %v", err)
	}
	h.Leave()
	for _, h := range hs[1:] {
		h.Leave()
	}
}

func TestHoldEndsAtItsLimitOrWithItsClient(t *testing.T) {
	r := New(Config{})
	h, _ := r.Hold(context.Background(), "/a.m3u8", part(1, 0), 20*time.Millisecond)
	<-h.Context().Done()
	if !errors.Is(context.Cause(h.Context()), failure.ErrHoldTimeout) {
		t.Errorf("cause %v, want ErrHoldTimeout", context.Cause(h.Context()))
	}
	h.Leave()
	ctx, cancel := context.WithCancel(context.Background())
	h, _ = r.Hold(ctx, "/a.m3u8", part(1, 0), time.Minute)
	cancel()
	<-h.Context().Done()
	h.Leave()
	if r.Held() != 0 {
		t.Errorf("held %d, want 0", r.Held())
	}
}

func TestPlaylistsAreBoundedInCountAndBytes(t *testing.T) {
	r := New(Config{MaxPlaylists: 2, MaxBytes: int64(2*len(llPlaylist) + 10)})
	for _, rend := range []string{"/a.m3u8", "/b.m3u8", "/c.m3u8"} {
		r.Offer(rend, SkipNone, snap(t, llPlaylist))
	}
	if n, b := r.Tracked(); n != 2 || b > int64(2*len(llPlaylist)+10) {
		t.Errorf("tracked %d playlists, %d bytes; want 2 within the byte bound", n, b)
	}
	if r.Lookup("/a.m3u8", SkipNone) != nil || r.Lookup("/c.m3u8", SkipNone) == nil {
		t.Error("the least recently updated playlist should have gone")
	}
	big := New(Config{MaxPlaylistBytes: 10})
	big.Offer("/a.m3u8", SkipNone, snap(t, llPlaylist))
	if big.Lookup("/a.m3u8", SkipNone) != nil {
		t.Error("a playlist over MaxPlaylistBytes was kept")
	}
}

func TestHintHoldCoversThePreloadHintOnly(t *testing.T) {
	r := New(Config{})
	r.Offer("/live/r/index.m3u8?token=1", SkipNone, snap(t, llPlaylist))
	if got := r.HintHold("/live/r/seg_12.part_2.m4s"); got != 6*time.Second {
		t.Errorf("hint hold %v, want 3 × TD = 6s", got)
	}
	if got := r.HintHold("/live/r/seg_12.part_1.m4s"); got != 0 {
		t.Errorf("a listed part is no hint: %v", got)
	}
}

func TestHoldAfterASatisfyingOfferIsReleasedAtOnce(t *testing.T) {
	r := New(Config{})
	s := snap(t, withParts(2))
	r.Offer("/r/index.m3u8", SkipNone, s)
	h, err := r.Hold(context.Background(), "/r/index.m3u8", part(12, 2), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Leave()
	if !errors.Is(context.Cause(h.Context()), ErrReleased) || h.Snapshot() != s || r.Held() != 0 {
		t.Errorf("cause %v, held %d: want released by the playlist already there", context.Cause(h.Context()), r.Held())
	}
}

func TestDropForgetsOnlyThatPlaylist(t *testing.T) {
	r := New(Config{})
	old, newer := snap(t, withParts(1)), snap(t, withParts(2))
	r.Offer("/r.m3u8", SkipNone, old)
	r.Offer("/r.m3u8", SkipNone, newer)
	r.Drop("/r.m3u8", SkipNone, old) // replaced already: kept
	if r.Lookup("/r.m3u8", SkipNone) != newer {
		t.Fatal("Drop of a replaced playlist removed the newer one")
	}
	r.Drop("/r.m3u8", SkipNone, newer)
	if _, b := r.Tracked(); r.Lookup("/r.m3u8", SkipNone) != nil || b != 0 {
		t.Errorf("dropped playlist still kept (%d bytes)", b)
	}
}
