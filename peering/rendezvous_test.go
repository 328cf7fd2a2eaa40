package peering

import (
	"fmt"
	"math"
	"testing"
)

func members(t *testing.T, weights ...float64) []Member {
	t.Helper()
	var ms []Member
	for i, w := range weights {
		m, err := ParseMember(fmt.Sprintf("http://10.0.0.%d:8080", i+1))
		if err != nil {
			t.Fatal(err)
		}
		m.Weight = w
		ms = append(ms, m)
	}
	return ms
}

func shares(ms []Member, keys int) map[string]int {
	got := map[string]int{}
	for k := range keys {
		got[Owner(fmt.Sprintf("/vod/title/seg%06d.ts", k), ms)]++
	}
	return got
}

// TestRendezvousSharesFollowWeights: each member owns its weight's share of
// the keys, within 5% of the expected count.
func TestRendezvousSharesFollowWeights(t *testing.T) {
	const keys = 60000
	for _, tc := range []struct {
		name    string
		weights []float64
	}{
		{"three equal", []float64{1, 1, 1}},
		{"ten equal", []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"one double", []float64{2, 1, 1}},
		{"mixed", []float64{1, 2, 3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := members(t, tc.weights...)
			total := 0.0
			for _, w := range tc.weights {
				total += w
			}
			got := shares(ms, keys)
			for _, m := range ms {
				want := keys * m.Weight / total
				if d := math.Abs(float64(got[m.ID])-want) / want; d > 0.05 {
					t.Errorf("%s (weight %v) owns %d keys, want %.0f ±5%%", m.ID, m.Weight, got[m.ID], want)
				}
			}
		})
	}
}

// TestRendezvousMinimalMovement: when a member leaves only its keys move,
// and they spread over the others; when one joins it takes keys only.
func TestRendezvousMinimalMovement(t *testing.T) {
	ms := members(t, 1, 1, 1, 1, 1)
	gone := ms[2]
	rest := append(append([]Member(nil), ms[:2]...), ms[3:]...)
	moved, movedTo := 0, map[string]int{}
	for k := range 20000 {
		key := fmt.Sprintf("/live/ch%d/seg%d.m4s", k%7, k)
		before, after := Owner(key, ms), Owner(key, rest)
		if before != gone.ID {
			if after != before {
				t.Fatalf("%s moved from %s to %s though %s left", key, before, after, gone.ID)
			}
			continue
		}
		moved++
		movedTo[after]++
		if next := Rank(key, ms)[1].ID; after != next {
			t.Fatalf("%s went to %s, not its next owner %s", key, after, next)
		}
	}
	for _, m := range rest {
		if movedTo[m.ID] < moved/len(rest)/2 {
			t.Errorf("%s took %d of the %d moved keys: they should spread", m.ID, movedTo[m.ID], moved)
		}
	}
}

// TestRendezvousEveryViewAgrees: members rank the same members in the same
// order whatever else they know of (scores depend on the member and the
// key alone), so fills that only move up the ranking cannot cycle.
func TestRendezvousEveryViewAgrees(t *testing.T) {
	all := members(t, 1, 2, 1, 1)
	partial := []Member{all[3], all[1]}
	for k := range 2000 {
		key := fmt.Sprintf("/k%d", k)
		full := Rank(key, all)
		var sub []string
		for _, m := range full {
			if m.ID == all[1].ID || m.ID == all[3].ID {
				sub = append(sub, m.ID)
			}
		}
		got := Rank(key, partial)
		if got[0].ID != sub[0] || got[1].ID != sub[1] {
			t.Fatalf("%s: a partial view ranks %s,%s; the full one %v", key, got[0].ID, got[1].ID, sub)
		}
		if Owner(key, all) != full[0].ID {
			t.Fatalf("%s: Owner and Rank disagree", key)
		}
	}
}
