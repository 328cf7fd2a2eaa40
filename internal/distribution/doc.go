// Package distribution turns a loaded edge.yaml (package config) into what
// the edge serves with: one origin client per HTTP(S) and S3 origin, one
// failover group per origin group, and the ordered table of routes
// (edge.Routes) its cache behaviors select. A distribution is CloudFront's
// name for that set.
//
// In the request path it is not a stage: it is the wiring the behavior stage
// (edge/route.go) reads. cmd/streamedge builds one at start and a new one on
// every reload (SIGHUP, `streamedge reload`); edge.Handler.SetRoutes swaps
// it in atomically and the old origins' idle connections are closed.
package distribution
