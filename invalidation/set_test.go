package invalidation

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func TestInvalidatedComparesStoredAtWithTheRecord(t *testing.T) {
	s := NewSet(Limits{}, NewMetrics())
	if err := s.Add([]string{"/live/index.m3u8", "/vod/show1/*", "/img*"}, t0); err != nil {
		t.Fatal(err)
	}
	before, after := t0.Add(-time.Second), t0.Add(time.Second)
	for _, tc := range []struct {
		name, key string
		storedAt  time.Time
		want      bool
	}{
		{"exact_stored_before", "/live/index.m3u8", before, true},
		{"exact_stored_after_is_the_refill", "/live/index.m3u8", after, false},
		{"exact_does_not_cover_query_variants", "/live/index.m3u8?_HLS_msn=3", before, false},
		{"exact_does_not_cover_longer_paths", "/live/index.m3u8.bak", before, false},
		{"prefix_covers_below", "/vod/show1/720p/seg1.ts", before, true},
		{"prefix_covers_queries", "/vod/show1/a.ts?x=1", before, true},
		{"prefix_covers_the_empty_rest", "/vod/show1/", before, true},
		{"prefix_not_above", "/vod/show1", before, false},
		{"prefix_stored_after", "/vod/show1/a.ts", after, false},
		{"prefix_without_slash", "/img-logo.png", before, true},
		{"unrelated", "/vod/show2/a.ts", before, false},
		{"zero_stored_at_is_oldest", "/img", time.Time{}, true},
	} {
		if got := s.Invalidated(tc.key, tc.storedAt); got != tc.want {
			t.Errorf("%s: Invalidated(%q) = %v, want %v", tc.name, tc.key, got, tc.want)
		}
	}
}

func TestReinvalidatingKeepsTheNewestTimeInOneRecord(t *testing.T) {
	s := NewSet(Limits{}, nil)
	for i := range 5 {
		if err := s.Add([]string{"/a.ts", "/b/*"}, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 2 {
		t.Fatalf("%d records, want 2", s.Len())
	}
	if !s.Invalidated("/a.ts", t0.Add(3*time.Minute)) || s.Invalidated("/a.ts", t0.Add(5*time.Minute)) {
		t.Fatal("the newest invalidation time is not the one compared")
	}
}

func TestAddRefusesCloudFrontInvalidPaths(t *testing.T) {
	s := NewSet(Limits{}, nil)
	for _, p := range []string{"a.ts", "/a*/b", "/**", "/" + string(make([]byte, MaxPathBytes))} {
		if err := s.Add([]string{"/ok", p}, t0); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
	if s.Len() != 0 {
		t.Fatalf("a refused batch left %d records", s.Len())
	}
}

// Past MaxRecords the oldest records go and the floor rises: whatever was
// invalidated stays invalid (the floor over-invalidates instead).
func TestOverflowRaisesTheFloorNeverResurrects(t *testing.T) {
	m := NewMetrics()
	s := NewSet(Limits{MaxRecords: 100}, m)
	for i := range 250 {
		if err := s.Add([]string{fmt.Sprintf("/seg%d.ts", i)}, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() > 100 {
		t.Fatalf("%d records, bound 100", s.Len())
	}
	for i := range 250 {
		storedBefore := t0.Add(time.Duration(i)*time.Second - time.Millisecond)
		if !s.Invalidated(fmt.Sprintf("/seg%d.ts", i), storedBefore) {
			t.Fatalf("/seg%d.ts came back after the overflow", i)
		}
	}
	if s.Invalidated("/seg0.ts", t0.Add(time.Hour)) {
		t.Fatal("an entry stored after every invalidation is invalid")
	}
	if got := readCounter(t, m.overflows); got == 0 {
		t.Fatal("streamedge_invalidation_overflows_total not counted")
	}
}

func TestOverflowOfBytesIsBounded(t *testing.T) {
	s := NewSet(Limits{MaxBytes: 10 << 10}, nil)
	long := string(make([]byte, 1500)) // 3,000 hex digits
	for i := range 20 {
		if err := s.Add([]string{fmt.Sprintf("/%d%x*", i, long)}, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if s.bytes > 10<<10 {
		t.Fatalf("%d pattern bytes, bound %d", s.bytes, 10<<10)
	}
}

// Records older than MaxAge match no live entry and are dropped before any
// floor is raised.
func TestRecordsPastMaxAgeAreDroppedWithoutAFloor(t *testing.T) {
	s := NewSet(Limits{MaxRecords: 10, MaxAge: time.Hour}, nil)
	for i := range 10 {
		_ = s.Add([]string{fmt.Sprintf("/old%d", i)}, t0)
	}
	if err := s.Add([]string{"/new"}, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 || s.floor != 0 {
		t.Fatalf("%d records, floor %d; want 1 and no floor", s.Len(), s.floor)
	}
}

// A lookup walks the key's own prefixes in the radix tree: with 50,000
// records it meets only the one record that is a prefix of the key.
func TestLookupVisitsOnlyTheKeysPrefixes(t *testing.T) {
	s := NewSet(Limits{MaxRecords: 100000, MaxBytes: 16 << 20}, nil)
	paths := make([]string, 0, 2000)
	for i := range 25000 {
		paths = append(paths, fmt.Sprintf("/x/%d/*", i), fmt.Sprintf("/y/%d.ts", i))
		if len(paths) == cap(paths) {
			if err := s.Add(paths, t0); err != nil {
				t.Fatal(err)
			}
			paths = paths[:0]
		}
	}
	if s.Len() != 50000 {
		t.Fatalf("%d records, want 50000", s.Len())
	}
	key := "/x/123/720p/segment_000123.ts"
	var visited []string
	s.tree.WalkPath(key, func(k string, _ any) bool { visited = append(visited, k); return false })
	if len(visited) != 1 || visited[0] != "/x/123/" {
		t.Fatalf("lookup of %q visited %q", key, visited)
	}
	if !s.Invalidated(key, t0.Add(-1)) || s.Invalidated("/x/123", t0.Add(-1)) {
		t.Fatal("wrong answer among 50,000 records")
	}
}

// The history the API keeps is bounded in bytes as well as in entries: the
// oldest invalidations go first, and the records (what makes entries
// invalid) stay.
func TestHistoryBoundedInBytes(t *testing.T) {
	s := NewSet(Limits{MaxHistory: 1000, MaxHistoryBytes: 64 << 10}, nil)
	long := "/" + strings.Repeat("p", 1000)
	for i := range 200 {
		if _, _, err := s.Create(fmt.Sprint("ref-", i), []string{fmt.Sprintf("%s/%d", long, i)}, t0); err != nil {
			t.Fatal(err)
		}
	}
	page, _ := s.List("", 1000)
	if s.history.bytes > 64<<10 || len(page) < 50 || len(page) > 64 {
		t.Fatalf("%d invalidations, %d bytes kept; bound 64 KiB", len(page), s.history.bytes)
	}
	if _, ok := s.Get(page[0].ID); !ok || page[0].CallerReference != "ref-199" {
		t.Fatalf("newest kept: %+v", page[0])
	}
	if !s.Invalidated(long+"/0", t0.Add(-1)) {
		t.Fatal("dropping history dropped a record")
	}
}
