package edge

import (
	"strings"

	"github.com/streamedge/streamedge/headerspolicy"
)

// Peering inside a POP (package peering): a member that misses a key it
// does not own asks the owner, marking the request with origin.PeerHeader
// (its member id). The owner serves it as any request, but the fill it
// starts carries the marker (origin.FillRequest.Peer), which the peering
// origin reads as "fetch from the origin yourself, never forward again".
// The marker is never keyed nor forwarded to an origin (cachekey's edge
// headers, the pass-through proxy drops it); it is logged as "peer".

// maxPeerID bounds the marker kept: a member id is a host:port.
const maxPeerID = 300

// fromPeer records the member a request came from in its upstream (nil in
// flag mode without a marker, so the exchange keeps its size). The answer
// is the object as the origin sent it: no response headers policy (nor
// custom error page, errorpage.go) of this edge's, which the member applies
// to its own viewers.
func (x *exchange) fromPeer(id string) {
	up := x.upstream()
	up.peer = strings.Clone(id[:min(len(id), maxPeerID)]) // a fill keeps it beyond the request
	x.up = &up
	x.w.headers, x.w.grant, x.cors = nil, headerspolicy.Grant{}, ""
}
