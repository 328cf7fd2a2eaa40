package peering

import "context"

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

// MembersOf is the members at urls (a Source's edge URLs): one per
// distinct member, those that are no member URL (ParseMember) left out, at
// most MaxMembers.
func MembersOf(urls []string) []Member {
	var out []Member
	seen := map[string]bool{}
	for _, u := range urls {
		m, err := ParseMember(u)
		if err != nil || seen[m.ID] || len(out) == MaxMembers {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	return out
}
