// Package fleet keeps fleet-wide state on NATS JetStream: which edges are
// alive, the invalidations every edge must apply, and the configuration
// every edge should run.
//
// It is not in the request path. It feeds two things the request path
// already consults: the invalidation Set (package invalidation; every store
// lookup asks it) and the configuration reload (the same path as SIGHUP).
// A request never waits on NATS; when NATS is unreachable the edge keeps
// serving with the invalidations and configuration it has.
//
// State, all in JetStream (one embedded nats-server for a single node or a
// dev fleet, a real NATS cluster in production):
//
//   - Membership: each edge puts itself (Member, as JSON) in the KV bucket
//     streamedge_members under its ID every Heartbeat; the bucket's TTL
//     drops an edge that stops. Members lists the live ones and Watch tells
//     a change (the Membership interface). An observer (Config.Observer:
//     the request router) follows the membership without being a member
//     (observer.go). EdgesOf picks a POP's edges for peering.
//   - Invalidations: each invalidation created on an edge is published to
//     the stream STREAMEDGE_INVALIDATIONS (bounded: Retention, MaxMessages,
//     MaxBytes). Every edge reads the stream from its start, applies the
//     paths to its own Set and acks in the KV bucket streamedge_acks
//     (inv.<id>.<edge>). Status says Completed only when every live member
//     acked; an edge that joins late applies what the stream retains before
//     Ready.
//   - Configuration: a version is a revision of the key edge.yaml in the KV
//     bucket streamedge_config; each edge loads it through its reload path
//     and reports the result under its own key in streamedge_config_status.
//     An edge that cannot load a version keeps the one it runs.
//
// Bounds: the member list and the completed-invalidation cache are capped,
// the retry queue of unpublished invalidations is capped (the oldest is
// dropped and counted), every NATS call has Timeout, and every goroutine
// ends on Close. The nats.go client reconnects without end; while it is
// away heartbeats and publishes fail (counted), and the retry queue
// publishes what was created meanwhile once NATS is back. After a
// reconnect the watches start again and the consumer reads on from its last
// sequence; a heartbeat failing while connected (NATS back without the
// fleet's state) makes the buckets and the stream again.
//
// An invalidation takes effect on an edge when it arrives, or, replayed
// from the stream, at its creation time plus ClockSkew; each edge adopts it
// under the creator's ID (invalidation.Set.Adopt), so GetInvalidation
// answers on any edge.
package fleet
