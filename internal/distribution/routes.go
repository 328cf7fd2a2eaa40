package distribution

import (
	"fmt"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/headerspolicy"
)

// buildRoutes makes one route per behavior, in order, and the default, with
// the distribution's custom error responses.
func (d *Distribution) buildRoutes(f *config.File, opt Options) (*edge.Routes, error) {
	headers, err := headerspolicy.Compile(f) // each named policy once, shared by its behaviors
	if err != nil {
		return nil, err
	}
	def, err := d.route(f, "*", f.DefaultBehavior, opt, headers)
	if err != nil {
		return nil, err
	}
	ordered := make([]edge.PathRoute, len(f.Behaviors))
	for i, b := range f.Behaviors {
		rt, err := d.route(f, b.Path, &b.BehaviorSettings, opt, headers)
		if err != nil {
			return nil, err
		}
		ordered[i] = edge.PathRoute{Pattern: b.Path, Route: rt}
	}
	rs, err := edge.NewRoutes(def, ordered...)
	if err != nil {
		return nil, err
	}
	return rs.WithErrors(errorResponses(f)...)
}

// route is one behavior as the edge applies it.
func (d *Distribution) route(f *config.File, name string, b *config.BehaviorSettings, opt Options, headers map[string]*headerspolicy.Policy) (*edge.Route, error) {
	m := d.origins[b.Origin]
	if m == nil {
		return nil, fmt.Errorf("behavior %s: unknown origin %q", name, b.Origin)
	}
	keys := keyConfig(b.CachePolicy, b.OriginRequest)
	pol := opt.Policy
	ttls := b.CachePolicy.TTLs()
	pol.DefaultTTL, pol.TTLs = ttls.Default, &ttls
	pol.NoLiveClamp = b.Media.LiveClamp != nil && !*b.Media.LiveClamp
	prefetch := opt.Prefetch
	if b.Media.Prefetch != nil {
		prefetch = int(*b.Media.Prefetch)
	}
	signed, err := signing(f, b)
	if err != nil {
		return nil, fmt.Errorf("behavior %s: trusted_key_groups: %w", name, err)
	}
	return &edge.Route{
		Name: name, OriginName: b.Origin, Origin: d.peered(m.origin, signed, b.ViewerProtocol),
		Keys: cachekey.New(keys), Policy: pol,
		Methods: b.AllowedMethods, ViewerProtocol: b.ViewerProtocol, Prefetch: prefetch, Signed: signed,
		Headers:  headers[b.ResponseHeadersPolicy], // nil for none
		Compress: b.Compress == nil || *b.Compress, // CloudFront's default: on
		Rewrite:  m.rewriter(b.Media.Rewrite),      // nil: off

		NoHoldNotYet: b.Media.HoldNotYetPublished != nil && !*b.Media.HoldNotYetPublished, // playlist-aware misses: default on
	}, nil
}

// keyConfig is the behavior's cache key (the cache policy's query strings,
// headers and cookies) and what its fills send beyond it (the origin
// request policy); config validated the behaviors and names.
func keyConfig(p config.CachePolicy, o config.OriginRequest) cachekey.Config {
	items := func(k config.KeyItems) cachekey.Items { return cachekey.Items{Behavior: k.Behavior, Names: k.Names} }
	return cachekey.Config{
		QueryStrings: items(p.QueryStrings), Headers: p.Headers.Names, Cookies: items(p.Cookies),
		Origin: cachekey.OriginRequest{QueryStrings: items(o.QueryStrings), Headers: items(o.Headers), Cookies: items(o.Cookies)},
	}
}
