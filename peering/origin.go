package peering

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/origin"
)

// Hot says where a member fetches hot objects (manifests) from.
type Hot string

const (
	// HotOrigin: every member fetches manifests from the origin itself
	// (each coalesced on its own: N origin requests per refresh for a POP
	// of N; a live playlist never waits on a peer). The default.
	HotOrigin Hot = "origin"
	// HotOwner: manifests go to their owner like any key and every member
	// stores the owner's copy (replicated): one origin request per refresh
	// for the POP, one more hop for the members.
	HotOwner Hot = "owner"
)

// ParseHot reads a Hot ("" is HotOrigin).
func ParseHot(s string) (Hot, error) {
	switch Hot(s) {
	case "", HotOrigin:
		return HotOrigin, nil
	case HotOwner:
		return HotOwner, nil
	}
	return "", fmt.Errorf("peering: hot %q: want origin or owner", s)
}

// Next is the route's real origin (edge.Origin's methods).
type Next interface {
	Fetch(ctx context.Context, fr origin.FillRequest) (*http.Response, error)
	AcquireFill(ctx context.Context) (release func(), err error)
	PassThrough(log *slog.Logger, onError func(*http.Request, error)) http.Handler
}

// Origin is a route's origin in a POP: a fill goes to the key's owner or
// to the real origin (doc.go). It is an edge.Origin.
type Origin struct {
	pool *Pool
	next Next
}

// Wrap makes next a peering origin of the pool.
func (p *Pool) Wrap(next Next) *Origin { return &Origin{pool: p, next: next} }

// Fetch sends a fill to the key's owner or to the real origin.
func (o *Origin) Fetch(ctx context.Context, fr origin.FillRequest) (*http.Response, error) {
	m := o.pool.cfg.Metrics
	switch {
	case fr.Peer != "":
		m.fill(ViaPeerRequest)
		return o.next.Fetch(ctx, fr)
	case o.pool.cfg.Hot != HotOwner && hot(fr.Target):
		m.fill(ViaHot)
		return o.next.Fetch(ctx, fr)
	}
	cands := o.pool.candidates(fr.Target)
	for _, c := range cands {
		resp, err := o.fromPeer(ctx, c, fr)
		if err == nil {
			m.fill(ViaPeer)
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
	}
	if len(cands) > 0 {
		m.fill(ViaFallback)
	} else {
		m.fill(ViaOwner)
	}
	return o.next.Fetch(ctx, fr)
}

// fromPeer is one peer fill; a connection error or timeout marks the peer
// down.
func (o *Origin) fromPeer(ctx context.Context, peer Member, fr origin.FillRequest) (*http.Response, error) {
	c := o.pool.client(peer.ID)
	if c == nil {
		return nil, fmt.Errorf("peering: %s left the POP: %w", peer.ID, origin.ErrUnreachable)
	}
	resp, err := c.Fetch(ctx, fr)
	if err != nil && ctx.Err() == nil {
		o.pool.markDown(peer.ID, o.pool.cfg.HoldDown)
	}
	o.pool.cfg.Metrics.fetch(peer.ID, err == nil)
	if err != nil {
		return nil, fmt.Errorf("peering: %s: %w", peer.ID, err)
	}
	return resp, nil
}

// hot reports a target that is a manifest (by its path's extension).
func hot(target string) bool {
	p, _, _ := strings.Cut(target, "?")
	return manifest.Detect("", p) != manifest.None
}

// AcquireFill takes a fill slot of the real origin.
func (o *Origin) AcquireFill(ctx context.Context) (func(), error) { return o.next.AcquireFill(ctx) }

// PassThrough proxies requests that are not fills to the real origin.
func (o *Origin) PassThrough(log *slog.Logger, onError func(*http.Request, error)) http.Handler {
	return o.next.PassThrough(log, onError)
}

// Unwrap is the real origin.
func (o *Origin) Unwrap() Next { return o.next }
