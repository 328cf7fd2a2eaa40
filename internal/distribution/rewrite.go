package distribution

import (
	"slices"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/rewrite"
)

// originOf is a client as its manifests name it.
func originOf(c *origin.Client) rewrite.Origin {
	u := c.Base()
	return rewrite.OriginAt(&u)
}

// rewriter is a behavior's media.rewrite as its route applies it (nil:
// off): URIs on the origin's own hosts (a group's both members) and on the
// listed hosts, which are taken to be the (primary) origin under other
// names and share its base path.
func (m *member) rewriter(r *config.Rewrite) rewrite.Mapper {
	if !r.On() || len(m.hosts) == 0 {
		return nil
	}
	origins := slices.Clone(m.hosts)
	for _, h := range r.Hosts {
		origins = append(origins, rewrite.Origin{Host: h, Base: m.hosts[0].Base})
	}
	return rewrite.OriginRelative(origins...)
}
