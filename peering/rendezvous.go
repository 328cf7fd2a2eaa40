package peering

import (
	"math"
	"sort"

	"github.com/cespare/xxhash/v2"
)

// Weighted rendezvous (highest random weight) hashing: each member scores
// each key, the highest score owns it. A member's score for a key is
// -w / ln(u) with u uniform in (0,1) from the hash of (member, key): a
// member of weight 2 owns twice the share of one of weight 1, and removing
// a member moves only the keys it owned.

// score is a member's score for a key's hash.
func score(member, key uint64, weight float64) float64 {
	h := mix(member ^ key)
	u := (float64(h>>11) + 0.5) / (1 << 53) // in (0,1), never 0 nor 1
	return -weight / math.Log(u)
}

// mix is splitmix64's finalizer: every bit of x reaches every bit out.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hashString(s string) uint64 { return xxhash.Sum64String(s) }

// ranked is one member and its score for a key.
type ranked struct {
	i     int // index in the member list
	score float64
}

// Rank orders members for key, the owner first. Ties (equal scores are
// astronomically rare) go to the lower id, so every member agrees.
func Rank(key string, members []Member) []Member {
	order := rank(key, members)
	out := make([]Member, len(order))
	for n, r := range order {
		out[n] = members[r.i]
	}
	return out
}

func rank(key string, members []Member) []ranked {
	kh := hashString(key)
	order := make([]ranked, len(members))
	for i, m := range members {
		order[i] = ranked{i: i, score: score(m.hash(), kh, m.weight())}
	}
	sort.Slice(order, func(a, b int) bool {
		if order[a].score != order[b].score {
			return order[a].score > order[b].score
		}
		return members[order[a].i].ID < members[order[b].i].ID
	})
	return order
}

// Owner is the member that owns key ("" for no members).
func Owner(key string, members []Member) string {
	best, id := -1.0, ""
	kh := hashString(key)
	for _, m := range members {
		s := score(m.hash(), kh, m.weight())
		if s > best || s == best && m.ID < id {
			best, id = s, m.ID
		}
	}
	return id
}
