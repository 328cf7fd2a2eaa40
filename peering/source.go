package peering

import (
	"context"

	"github.com/streamedge/streamedge/fleet"
)

// Source is a live member list the pool follows (the fleet's membership):
// Follow calls set with the members now and after each change until ctx
// ends; set must not block.
type Source interface {
	Follow(ctx context.Context, set func([]Member))
}

// follow makes the source's lists the members; a list the pool refuses
// (too many members) keeps the members there are.
func (p *Pool) follow(ctx context.Context) {
	p.cfg.Source.Follow(ctx, func(ms []Member) { _ = p.setMembers(ms) })
}

// FromFleet is the POP's members among the fleet's live members: those
// with pop whose edge URL is a member URL, but the one with the fleet ID
// self (this edge, always a member as the pool's Self), at most MaxMembers.
func FromFleet(ms []fleet.Member, pop, self string) []Member {
	var out []Member
	seen := map[string]bool{}
	for _, fm := range ms {
		if fm.POP != pop || fm.ID == self {
			continue
		}
		m, err := ParseMember(fm.Edge)
		if err != nil || seen[m.ID] || len(out) == MaxMembers {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	return out
}

// FleetSource follows a fleet.Membership: the members of pop but self
// (FromFleet).
type FleetSource struct {
	Membership fleet.Membership
	POP, Self  string
}

// Follow sets the members now and after each change of the fleet's.
func (s FleetSource) Follow(ctx context.Context, set func([]Member)) {
	s.Membership.Watch(ctx, func(ms []fleet.Member) { set(FromFleet(ms, s.POP, s.Self)) })
	set(FromFleet(s.Membership.Members(), s.POP, s.Self))
}
