// Package routing sends a viewer to a POP before any edge sees a request:
// the step in front of the request path ("which edge?"), not in it. A
// Router answers DNS queries for the service name (A/AAAA, with
// github.com/miekg/dns) and/or HTTP requests with a 302 to a POP's edge
// URL, choosing the healthy POP with the lowest latency to the client.
//
// Latency is configured, not measured by the router: a map from client
// subnets (regions) to each POP's latency, as measured from the viewers'
// side (real-user measurements, CMCD, a latency survey). RTT probes from
// the router to the POPs would measure the router's network, not the
// viewer's. The client is the EDNS Client Subnet of a DNS query when the
// resolver sends one (RFC 7871), else the query's source address; for
// HTTP it is the connection's address.
//
// Health is an interface (Health): the Prober implements it from periodic
// GET /readyz of each POP (bounded concurrency, a timeout per probe,
// fall/rise thresholds); FleetHealth implements it from the fleet state on
// NATS (a POP with no live edge is unhealthy), and AllOf combines them. When no POP is healthy the router fails open to the
// nearest one (reason all_unhealthy): if it can reach none, its own view is
// the likelier fault.
//
// Files: config.go (the router's YAML, parsed strictly and bounded),
// table.go (subnet → region → POPs by latency), health.go (Health, AllOf,
// the Prober), fleet.go (FleetHealth), router.go (the pick and its bounded answer cache), dns.go,
// redirect.go, metrics.go.
package routing
