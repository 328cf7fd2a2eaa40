// Package peering makes the edges of one POP share their misses: each key
// has an owner among the POP's members, and a member that misses a key it
// does not own fetches it from the owner instead of the origin, so a POP of
// N edges fetches each object from the origin once.
//
// In the request path it is an origin: the edge's fill (edge/fill.go) asks
// the route's Origin, and with peering configured that Origin is this
// package's, wrapping the route's real origin (an *origin.Client or
// *origin.Group). Fetch decides owner or origin:
//
//   - a fill started by a peer's request (origin.PeerHeader, FillRequest.Peer)
//     goes to the real origin: a peer-marked request is never forwarded again;
//   - a hot object (a manifest: live playlists every viewer reads) goes to the
//     real origin from every member when Hot is HotOrigin, or to its owner
//     like any key when Hot is HotOwner (then every member stores the owner's
//     copy: the object is replicated);
//   - otherwise the members are ranked for the target by weighted rendezvous
//     hashing (rendezvous.go, on xxhash) and the fill goes to the first
//     member that is up, ranked above this edge, over HTTP with the peer
//     marker; on a connection error or timeout that member is marked down
//     and the next one is tried; when this edge is reached it fetches from
//     the real origin itself.
//
// A fill only ever moves up the ranking, and every member ranks the same
// members in the same order (scores depend on a member's id, weight and the
// key alone), so fills between members cannot form a cycle even while two
// members' views of the POP differ. The member that receives a peer's fill
// treats it as any miss: it is coalesced with its own viewers' fill of the
// key, stored, and served; the asking member stores the owner's response
// like any fill (CloudFront's edges do the same), so it serves its own
// viewers' next requests from its store.
//
// Members come from a static list or from DNS (a Kubernetes headless
// Service: the name's A/AAAA records, re-resolved every DNSInterval; a
// failed lookup keeps the last set). A dead member is skipped within a
// second: a connection error or timeout of a fill marks it down at once
// and for HoldDown (passive), and a probe every ProbeInterval (a TCP
// connect to its edge port, which proves its listener accepts) marks it
// down, or up again once no hold-down remains (active: a member that
// accepts connections but never answers passes the probe, and is kept down
// by its failed fills). Its keys move to their next owner, whose own
// coalescing makes that one origin fetch per key. Pass-through requests (other methods, private keys) go to
// the real origin directly.
package peering
