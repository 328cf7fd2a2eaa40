package peering

import (
	"slices"
	"testing"
)

// TestMembersOfSkipsWhatIsNoMember: a source's edge URLs become one member
// each; an empty URL, one with a path and a duplicate are left out.
func TestMembersOfSkipsWhatIsNoMember(t *testing.T) {
	var got []string
	for _, m := range MembersOf([]string{"http://10.0.0.2:8080", "", "http://10.0.0.5:8080/path", "http://10.0.0.2:8080", "HTTP://10.0.0.7:8080"}) {
		got = append(got, m.ID)
	}
	if want := []string{"10.0.0.2:8080", "10.0.0.7:8080"}; !slices.Equal(got, want) {
		t.Fatalf("members %v, want %v", got, want)
	}
}
