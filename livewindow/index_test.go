package livewindow

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func seg(key string, kind Kind, hold time.Duration) Keyed {
	return Keyed{Key: key, Segment: Segment{Target: key, Kind: kind, Hold: hold}}
}

// TestIndexLookupRules: a listed or next key is held min(its hold, MaxHold)
// (MaxHold when it has none); an upcoming DASH key until its availability
// + Slack, and only when that is at most MaxHold away and not past; a key
// of an expired rendition, or one no manifest names, not at all; after
// GaveUp, answered at once until a newer manifest names it again.
func TestIndexLookupRules(t *testing.T) {
	ix := New(Config{MaxHold: 2 * time.Second, Slack: 500 * time.Millisecond})
	ix.Record("/v1/index.m3u8", t0.Add(time.Minute), []Keyed{
		seg("/v1/a.ts", Listed, time.Second),
		seg("/v1/b.ts", Next, 6*time.Second),
		seg("/v1/c.ts", Listed, 0),
		{Key: "/d/1.m4s", Segment: Segment{Kind: Upcoming, Available: t0.Add(1500 * time.Millisecond)}},
		{Key: "/d/2.m4s", Segment: Segment{Kind: Upcoming, Available: t0.Add(3 * time.Second)}},
		{Key: "/d/0.m4s", Segment: Segment{Kind: Upcoming, Available: t0.Add(-time.Second)}},
	})
	cases := []struct {
		key   string
		at    time.Time
		until time.Time
		ok    bool
	}{
		{"/v1/a.ts", t0, t0.Add(time.Second), true},
		{"/v1/b.ts", t0, t0.Add(2 * time.Second), true},
		{"/v1/c.ts", t0, t0.Add(2 * time.Second), true},
		{"/d/1.m4s", t0, t0.Add(2 * time.Second), true},
		{"/d/2.m4s", t0, time.Time{}, false},                                                 // 3 s away: not held
		{"/d/2.m4s", t0.Add(1500 * time.Millisecond), t0.Add(3500 * time.Millisecond), true}, // 1.5 s away
		{"/d/0.m4s", t0, time.Time{}, false},                                                 // its slack is over
		{"/v1/unknown.ts", t0, time.Time{}, false},
		{"/v1/a.ts", t0.Add(2 * time.Minute), time.Time{}, false}, // the manifest was not refreshed
	}
	for _, tc := range cases {
		h, ok := ix.Lookup(tc.key, tc.at)
		if ok != tc.ok || !h.Until.Equal(tc.until) || h.GaveUp {
			t.Errorf("Lookup(%s, +%v) = %+v, %v; want until +%v, %v", tc.key, tc.at.Sub(t0), h, ok, tc.until.Sub(t0), tc.ok)
		}
	}
	ix.GaveUp("/v1/a.ts")
	if h, ok := ix.Lookup("/v1/a.ts", t0); !ok || !h.GaveUp {
		t.Errorf("after GaveUp: %+v, %v", h, ok)
	}
	ix.Record("/v1/index.m3u8", t0.Add(time.Minute), []Keyed{seg("/v1/a.ts", Listed, time.Second)})
	if h, ok := ix.Lookup("/v1/a.ts", t0); !ok || h.GaveUp {
		t.Errorf("named again by a newer manifest: %+v, %v", h, ok)
	}
	if _, ok := ix.Lookup("/v1/b.ts", t0); ok {
		t.Error("a key the newer manifest no longer names is still known")
	}
	ix.Record("/v1/index.m3u8", t0.Add(time.Minute), nil)
	if r, k, b := ix.Len(); r != 0 || k != 0 || b != 0 {
		t.Errorf("an empty window left %d renditions, %d keys, %d bytes", r, k, b)
	}
}

// TestIndexBounded: the index never holds more than MaxRenditions
// renditions, MaxKeys keys of one manifest, nor MaxBytes bytes, the least recently recorded going first;
// a rendition alone over MaxBytes is not kept; a key two renditions name
// is answered for by the newer, and forgetting the older keeps it.
func TestIndexBounded(t *testing.T) {
	ix := New(Config{MaxRenditions: 3, MaxBytes: 4096})
	window := func(r string, n int) []Keyed {
		var out []Keyed
		for i := range n {
			out = append(out, seg(fmt.Sprintf("%s/seg_%d.ts", r, i), Listed, time.Second))
		}
		return out
	}
	for i := range 10 {
		ix.Record(fmt.Sprintf("/r%d", i), t0.Add(time.Minute), window(fmt.Sprintf("/r%d", i), 3))
		if r, _, b := ix.Len(); r > 3 || b > 4096 {
			t.Fatalf("after %d records: %d renditions, %d bytes", i+1, r, b)
		}
	}
	if _, ok := ix.Lookup("/r0/seg_0.ts", t0); ok {
		t.Error("the least recently recorded rendition was kept")
	}
	if _, ok := ix.Lookup("/r9/seg_2.ts", t0); !ok {
		t.Error("the newest rendition was evicted")
	}
	ix.Record("/huge", t0.Add(time.Minute), window("/huge/"+strings.Repeat("x", 4096), 1))
	if _, ok := ix.Lookup("/huge/"+strings.Repeat("x", 4096)+"/seg_0.ts", t0); ok {
		t.Error("a rendition over MaxBytes was kept")
	}
	if _, ok := ix.Lookup("/r9/seg_2.ts", t0); !ok {
		t.Error("an oversized rendition evicted the others")
	}
	big := New(Config{MaxRenditions: 100, MaxBytes: 2000})
	for i := range 20 {
		big.Record(fmt.Sprintf("/b%d", i), t0.Add(time.Minute), window(fmt.Sprintf("/b%d", i), 4))
	}
	if _, _, b := big.Len(); b > 2000 {
		t.Errorf("%d bytes over MaxBytes 2000", b)
	}
	many := New(Config{})
	many.Record("/mpd", t0.Add(time.Minute), window("/mpd", MaxKeys+100))
	if _, k, _ := many.Len(); k != MaxKeys {
		t.Errorf("one manifest recorded %d keys, want MaxKeys %d", k, MaxKeys)
	}
	shared := New(Config{})
	shared.Record("/a.m3u8", t0.Add(time.Minute), []Keyed{seg("/s.ts", Listed, time.Second)})
	shared.Record("/b.m3u8", t0.Add(time.Minute), []Keyed{seg("/s.ts", Listed, time.Second)})
	shared.Record("/a.m3u8", t0.Add(time.Minute), nil)
	if _, ok := shared.Lookup("/s.ts", t0); !ok {
		t.Error("a key still named by another rendition was forgotten")
	}
}
