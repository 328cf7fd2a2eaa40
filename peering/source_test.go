package peering

import (
	"slices"
	"testing"

	"github.com/streamedge/streamedge/fleet"
)

// TestFleetMembersOfThisPOPOnly: the POP's members from the fleet are the
// live members of the same POP but this edge, by their edge URLs; a member
// of another POP, one without a usable edge URL and a duplicate URL are
// left out.
func TestFleetMembersOfThisPOPOnly(t *testing.T) {
	ms := []fleet.Member{
		{ID: "a", Edge: "http://10.0.0.1:8080", POP: "p1"},
		{ID: "b", Edge: "http://10.0.0.2:8080", POP: "p1"},
		{ID: "c", Edge: "http://10.0.0.3:8080", POP: "p2"},
		{ID: "d", Edge: "", POP: "p1"},
		{ID: "e", Edge: "http://10.0.0.5:8080/path", POP: "p1"},
		{ID: "f", Edge: "http://10.0.0.2:8080", POP: "p1"},
		{ID: "g", Edge: "HTTP://10.0.0.7:8080", POP: "p1"},
	}
	var got []string
	for _, m := range FromFleet(ms, "p1", "a") {
		got = append(got, m.ID)
	}
	if want := []string{"10.0.0.2:8080", "10.0.0.7:8080"}; !slices.Equal(got, want) {
		t.Fatalf("members %v, want %v", got, want)
	}
}
