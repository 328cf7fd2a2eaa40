// Package origin is the edge's client to the origin server.
//
// In the request path it is the fetch stage (listener → cache key → store lookup
// → coalesced *origin fetch* → manifest policy → store → response). One tuned
// http.Transport serves every fill and every pass-through request: a keep-alive
// pool sized for fan-out, and dial, TLS, response-header and progress timeouts
// (a body making no progress for Timeout is cut; a long one that keeps coming
// is not), so no origin call can hang the edge. A fill request carries only
// what the edge chooses (the key's path and query, the Accept-Encoding class,
// the client's Origin when it is a valid origin, validators of a stale copy,
// Via): never a client's conditional or Range headers, cookies or
// other unkeyed input. Pass-through requests go through httputil.ReverseProxy on
// the same transport, which strips hop-by-hop headers both ways and tunnels a
// protocol upgrade (WebSocket) once the origin answers 101; a tunnel is not
// bounded by the exchange timeout. Failures become statuses in package failure.
//
// Two origin kinds of CloudFront's are built here but not yet wired into the
// edge (package config describes them; the edge takes one Client today):
// NewS3 is a Client whose fills are SigV4-signed S3 GetObject requests
// (aws-sdk-go-v2's signer; path-style or virtual-hosted; keys static or from
// the AWS chain), and Group is a primary and a secondary Client with
// failover for fills on connection errors, timeouts and configured statuses,
// the failed primary skipped for a back-off, per-member health and metrics.
package origin
