package fleet

import (
	"slices"
	"testing"
)

// TestEdgesOfThisPOPOnly: the peers of an edge from the fleet are the edge
// URLs of the live members of its POP, but its own and those without one.
func TestEdgesOfThisPOPOnly(t *testing.T) {
	ms := []Member{
		{ID: "a", Edge: "http://10.0.0.1:8080", POP: "p1"},
		{ID: "b", Edge: "http://10.0.0.2:8080", POP: "p1"},
		{ID: "c", Edge: "http://10.0.0.3:8080", POP: "p2"},
		{ID: "d", POP: "p1"},
		{ID: "e", Edge: "http://10.0.0.5:8080"},
	}
	if got, want := EdgesOf(ms, "p1", "a"), []string{"http://10.0.0.2:8080"}; !slices.Equal(got, want) {
		t.Fatalf("edges %v, want %v", got, want)
	}
	if got, want := EdgesOf(ms, "", "a"), []string{"http://10.0.0.5:8080"}; !slices.Equal(got, want) {
		t.Fatalf("edges without a POP %v, want %v", got, want)
	}
}
