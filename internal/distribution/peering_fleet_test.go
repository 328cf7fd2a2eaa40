package distribution

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/peering"
)

// staticSource is a member source that never changes.
type staticSource []peering.Member

func (s staticSource) Follow(_ context.Context, set func([]peering.Member)) { set(s) }

// TestPeeringFromTheFleetFollowsItsSource: a peering section with fleet:
// true takes its members from Options.PeerFleet with Options.PeerSelf as
// self; it is refused without the fleet state, and a self that is not the
// URL the fleet advertises is refused.
func TestPeeringFromTheFleetFollowsItsSource(t *testing.T) {
	const file = "origins:\n  a: {url: http://127.0.0.1:1}\ndefault_behavior: {origin: a}\npeering:\n  fleet: true\n"
	src := staticSource(peering.MembersOf([]string{"http://127.0.0.1:8081", "http://127.0.0.1:8082"}))
	for _, tc := range []struct {
		name, extra string
		opt         Options
		want        string // error; "" for built
	}{
		{"no fleet state", "", Options{}, "needs the fleet state"},
		{"advertised self", "", Options{PeerFleet: src, PeerSelf: "http://127.0.0.1:8080"}, ""},
		{"same self", "  self: http://127.0.0.1:8080\n", Options{PeerFleet: src, PeerSelf: "http://127.0.0.1:8080"}, ""},
		{"other self", "  self: http://127.0.0.1:9999\n", Options{PeerFleet: src, PeerSelf: "http://127.0.0.1:8080"}, "the fleet advertises this edge as 127.0.0.1:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := config.Parse("edge.yaml", []byte(file+tc.extra))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Build(context.Background(), f, tc.opt)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Build: %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var ids []string
			for _, m := range d.pool.Members() {
				ids = append(ids, m.ID)
			}
			if want := []string{"127.0.0.1:8080", "127.0.0.1:8081", "127.0.0.1:8082"}; !slices.Equal(ids, want) {
				t.Errorf("members %v, want %v", ids, want)
			}
		})
	}
}
