package distribution

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/peering"
	"github.com/streamedge/streamedge/rewrite"
)

// Options are the edge-wide settings every route starts from (the flags the
// file does not set) and the metrics origins report to.
type Options struct {
	// Policy holds -negative-ttl and the stale windows; each behavior's
	// cache policy sets DefaultTTL and TTLs on a copy.
	Policy  freshness.Config
	Metrics *Metrics // per-origin fetches and group failovers; may be nil
	CDNID   string   // this edge's id, added to CDN-Loop by every origin
	// Prefetch is -prefetch: a behavior's media.prefetch when it sets none.
	Prefetch int
	// PeerMetrics count the peering section's fills and members (may be
	// nil); PeerResolver resolves its dns (nil: net.DefaultResolver).
	PeerMetrics  *peering.Metrics
	PeerResolver peering.Resolver
	// PeerFleet is the member source of a peering section with fleet: true
	// (the fleet's live members of this edge's POP; nil: no fleet state,
	// such a section is refused); PeerSelf is this edge's URL as the fleet
	// advertises it, the pool's self.
	PeerFleet peering.Source
	PeerSelf  string
}

// Distribution is a built configuration: its routes and the origins they use.
type Distribution struct {
	Routes  *edge.Routes
	origins map[string]*member // every origin and group by name
	clients []*origin.Client
	pool    *peering.Pool // the peering section's POP, nil without one (peering.go)
}

// member is one named origin: a client, or a group of two.
type member struct {
	name   string
	kind   string // "http", "s3" or "group"
	origin edge.Origin
	ping   func(context.Context) error
	hosts  []rewrite.Origin // its own hosts and base paths, a group's primary first (rewrite.go)
}

// Build makes the origins and routes of f. It contacts no origin; an S3
// origin without keys in the file resolves the standard AWS chain here, so
// a start or reload without credentials fails with the reason.
func Build(ctx context.Context, f *config.File, opt Options) (*Distribution, error) {
	d := &Distribution{origins: map[string]*member{}}
	if err := d.buildOrigins(ctx, f, opt); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.buildPeering(f, opt); err != nil {
		d.Close()
		return nil, err
	}
	rs, err := d.buildRoutes(f, opt)
	if err != nil {
		d.Close()
		return nil, err
	}
	d.Routes = rs
	return d, nil
}

func (d *Distribution) buildOrigins(ctx context.Context, f *config.File, opt Options) error {
	for _, name := range sortedKeys(f.Origins) {
		cc, err := f.Origins[name].ClientConfig()
		if err != nil {
			return fmt.Errorf("origin %s: %w", name, err)
		}
		cc.CDNID = opt.CDNID
		c, err := origin.New(cc)
		if err != nil {
			return fmt.Errorf("origin %s: %w", name, err)
		}
		d.addClient(name, "http", c, opt)
	}
	for _, name := range sortedKeys(f.S3Origins) {
		sc, err := f.S3Origins[name].ClientConfig()
		if err != nil {
			return fmt.Errorf("s3 origin %s: %w", name, err)
		}
		sc.Conn.CDNID = opt.CDNID
		c, err := origin.NewS3(ctx, sc)
		if err != nil {
			return fmt.Errorf("s3 origin %s: %w", name, err)
		}
		d.addClient(name, "s3", c, opt)
	}
	for _, name := range sortedKeys(f.OriginGroups) {
		if err := d.addGroup(name, f.OriginGroups[name], opt); err != nil {
			return err
		}
	}
	return nil
}

func (d *Distribution) addClient(name, kind string, c *origin.Client, opt Options) {
	d.clients = append(d.clients, c)
	d.origins[name] = &member{name: name, kind: kind, origin: opt.Metrics.measure(name, c), ping: c.Ping,
		hosts: []rewrite.Origin{originOf(c)}}
}

func (d *Distribution) addGroup(name string, g *config.OriginGroup, opt Options) error {
	client := func(n string) (*origin.Client, error) {
		m := d.origins[n]
		if m == nil || m.kind == "group" {
			return nil, fmt.Errorf("origin group %s: member %q is not an origin", name, n)
		}
		return m.origin.(*measured).client, nil
	}
	p, err := client(g.Primary)
	if err != nil {
		return err
	}
	s, err := client(g.Secondary)
	if err != nil {
		return err
	}
	grp, err := origin.NewGroup(origin.GroupConfig{Name: name,
		Primary: origin.Member{Name: g.Primary, Client: p}, Secondary: origin.Member{Name: g.Secondary, Client: s},
		FailoverStatuses: g.Statuses(), Backoff: g.PrimaryBackoff.D(), Metrics: opt.Metrics.groups()})
	if err != nil {
		return err
	}
	d.origins[name] = &member{name: name, kind: "group", origin: opt.Metrics.measure(name, grp), ping: grp.Ping,
		hosts: []rewrite.Origin{originOf(p), originOf(s)}}
	return nil
}

// Close closes the idle connections of every origin (fills in flight on
// them finish).
func (d *Distribution) Close() {
	for _, c := range d.clients {
		c.Close()
	}
	if d.pool != nil {
		d.pool.Close()
	}
}

// Ping checks every origin a route uses (a group is up when a member is);
// the error names each one that is down.
func (d *Distribution) Ping(ctx context.Context) error {
	var errs []error
	for _, name := range sortedKeys(d.origins) {
		m := d.origins[name]
		if m.kind != "group" && d.inGroupOnly(name) {
			continue // its group reports it
		}
		if err := m.ping(ctx); err != nil {
			errs = append(errs, fmt.Errorf("origin %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// inGroupOnly: no route names the origin itself, only groups do.
func (d *Distribution) inGroupOnly(name string) bool {
	used := false
	d.Routes.Each(func(rt *edge.Route) {
		if rt.OriginName == name {
			used = true
		}
	})
	return !used
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
