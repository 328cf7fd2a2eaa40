package fleet

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamedge/streamedge/config"
)

// TestMembershipAppearsAndAKilledMemberExpires: five members each see all
// five; a member killed without a goodbye is gone from every list within
// TTL (plus a heartbeat), and Watch tells the change; one closed cleanly
// is gone at once.
func TestMembershipAppearsAndAKilledMemberExpires(t *testing.T) {
	ns := startNATS(t)
	ms := fleetOf(t, ns.URL(), 5, nil)
	for _, m := range ms {
		eventually(t, 2*time.Second, m.node.ID()+" sees five", func() bool { return len(m.node.Members()) == 5 })
	}
	var told atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ms[0].node.Watch(ctx, func(live []Member) {
		if !slices.Contains(ids(live), ms[4].node.ID()) {
			told.Store(int32(len(live)))
		}
	})
	kill(ms[4].node)
	gone := eventually(t, 3*testTTL, "the killed member expires", func() bool {
		for _, m := range ms[:4] {
			if slices.Contains(ids(m.node.Members()), ms[4].node.ID()) {
				return false
			}
		}
		return true
	})
	if gone < testTTL/2 {
		t.Errorf("the killed member vanished after %v: before its TTL %v could pass", gone, testTTL)
	}
	eventually(t, time.Second, "Watch tells the change", func() bool { return told.Load() == 4 })
	ms[3].node.Close()
	eventually(t, testTTL/2, "a closed member is gone at once", func() bool { return len(ms[0].node.Members()) == 3 })
}

// TestInvalidationCompletedOnEveryEdgeWithinOneSecond: an invalidation
// created on one edge through its CloudFront API (SigV4) is InProgress at
// creation, applied by all five Sets, and GetInvalidation says Completed in
// under a second, on the creating edge and (by the same ID) on every other.
func TestInvalidationCompletedOnEveryEdgeWithinOneSecond(t *testing.T) {
	ns := startNATS(t)
	ms := fleetOf(t, ns.URL(), 5, nil)
	for _, m := range ms {
		eventually(t, 2*time.Second, "five members", func() bool { return len(m.node.Members()) == 5 })
	}
	stored := time.Now().Add(-time.Minute)
	start := time.Now()
	inv := createInvalidation(t, ms[2], "ref-1", "/live/index.m3u8", "/vod/*")
	took := eventually(t, time.Second, "Completed", func() bool { return getInvalidation(t, ms[2], inv.ID).Status == "Completed" })
	t.Logf("Completed after %v (created as %s)", time.Since(start), inv.Status)
	for _, m := range ms {
		if !m.set.Invalidated("/vod/a.ts", stored) || !m.set.Invalidated("/live/index.m3u8", stored) || m.set.Invalidated("/other.ts", stored) {
			t.Errorf("%s: the paths are not applied as the batch says", m.node.ID())
		}
		if got := getInvalidation(t, m, inv.ID); got.Status != "Completed" { // every edge's API knows it
			t.Errorf("%s: GetInvalidation %s says %q", m.node.ID(), inv.ID, got.Status)
		}
	}
	if took > time.Second {
		t.Fatalf("took %v", took)
	}
}

// TestInvalidationInProgressUntilEveryLiveMemberApplied: a live member that
// does not apply invalidations keeps the status InProgress; once it leaves
// the membership the invalidation is Completed. Alone (no Progress) the API
// says Completed at once (invalidation's own tests).
func TestInvalidationInProgressUntilEveryLiveMemberApplied(t *testing.T) {
	ns := startNATS(t)
	ms := fleetOf(t, ns.URL(), 3, nil)
	deaf, err := Open(context.Background(), Config{URL: ns.URL(), Self: Member{ID: "deaf"}, Heartbeat: testHB, TTL: testTTL})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "four members", func() bool { return len(ms[0].node.Members()) == 4 })
	inv := createInvalidation(t, ms[0], "ref-deaf", "/a.ts")
	eventually(t, time.Second, "the other edges applied", func() bool {
		return ms[1].set.Invalidated("/a.ts", time.Now().Add(-time.Minute)) && ms[2].set.Invalidated("/a.ts", time.Now().Add(-time.Minute))
	})
	time.Sleep(200 * time.Millisecond)
	if s := getInvalidation(t, ms[0], inv.ID).Status; s != "InProgress" {
		t.Fatalf("with a live member that did not apply it: %s, want InProgress", s)
	}
	deaf.Close()
	eventually(t, time.Second, "Completed once it left", func() bool { return getInvalidation(t, ms[0], inv.ID).Status == "Completed" })
}

// TestLateJoinerAppliesRetainedInvalidationsBeforeReady: an edge that joins
// after invalidations were made applies every one the stream retains, and
// is Ready only then.
func TestLateJoinerAppliesRetainedInvalidationsBeforeReady(t *testing.T) {
	ns := startNATS(t)
	ms := fleetOf(t, ns.URL(), 2, nil)
	var made []string
	for i, p := range []string{"/a/*", "/b.ts", "/c/*"} {
		made = append(made, createInvalidation(t, ms[i%2], "late-"+p, p).ID)
	}
	eventually(t, 2*time.Second, "all three in the stream", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		st, err := ms[0].node.js.Stream(ctx, InvalidationStream)
		return err == nil && st.CachedInfo().State.Msgs == uint64(len(made))
	})
	late := join(t, ns.URL(), "late", nil)
	eventually(t, 2*time.Second, "the late joiner is ready", late.node.Ready)
	stored := time.Now().Add(-time.Minute)
	for _, p := range []string{"/a/x.ts", "/b.ts", "/c/y.m3u8"} {
		if !late.set.Invalidated(p, stored) {
			t.Errorf("late joiner: %s not invalidated", p)
		}
	}
}

// TestConfigVersionRejectedEverywhereThenAGoodOneApplied: a configuration
// version that does not parse is rejected by every edge (each reports it
// and keeps version 0, its own file); the next good version is applied by
// all five.
func TestConfigVersionRejectedEverywhereThenAGoodOneApplied(t *testing.T) {
	ns := startNATS(t)
	load := func(_ uint64, b []byte) error { _, err := config.Parse("fleet", b); return err }
	ms := fleetOf(t, ns.URL(), 5, load)
	bad, err := ms[0].node.PutConfig(context.Background(), []byte("origins:\n  a: {url: ftp://127.0.0.1/}\ndefault_behavior: {origin: a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "every edge rejected the bad version", func() bool {
		sts, err := ms[0].node.ConfigStatuses(context.Background())
		n := 0
		for _, st := range sts {
			if st.Rejected == bad && st.Version == 0 && st.Error != "" {
				n++
			}
		}
		return err == nil && n == 5
	})
	for _, m := range ms {
		if m.node.ConfigVersion() != 0 {
			t.Errorf("%s runs version %d after a rejected one", m.node.ID(), m.node.ConfigVersion())
		}
	}
	good, err := ms[1].node.PutConfig(context.Background(), []byte("origins:\n  a: {url: http://127.0.0.1:1/}\ndefault_behavior: {origin: a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		eventually(t, 2*time.Second, m.node.ID()+" applies the good version", func() bool { return m.node.ConfigVersion() == good })
	}
}

// TestRetainedInvalidationAppliesAtItsCreationTime: an invalidation
// replayed from the stream (a late joiner, a restart) takes effect at its
// creation time plus ClockSkew, not at replay: copies stored before it are
// invalid, copies fetched well after it stay.
func TestRetainedInvalidationAppliesAtItsCreationTime(t *testing.T) {
	ns := startNATS(t)
	first := join(t, ns.URL(), "first", nil)
	made := time.Now().Add(-time.Minute)
	if err := first.node.publish(invMsg{ID: "IOLDINVALIDATE", From: "gone", Paths: []string{"/old/*"}, Created: made}); err != nil {
		t.Fatal(err)
	}
	late := join(t, ns.URL(), "late", nil)
	eventually(t, 2*time.Second, "ready", late.node.Ready)
	if !late.set.Invalidated("/old/a.ts", made.Add(-time.Second)) {
		t.Error("a copy stored before the invalidation is still valid")
	}
	if late.set.Invalidated("/old/a.ts", made.Add(DefaultClockSkew+time.Second)) {
		t.Error("a copy fetched after the invalidation (and the skew) counts as invalidated")
	}
}
