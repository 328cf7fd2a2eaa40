// Package config loads edge.yaml, the configuration file a CloudFront user
// writes instead of one -origin flag: origins (HTTP(S) and S3), origin
// groups, ordered cache behaviors with cache policies, custom error
// responses, response headers policies, the trusted public keys and key
// groups a behavior's signed URLs are checked against (signing.go: PEM
// parsed at load, errors at the key's line), and the invalidation API's
// access keys and bounds (invalidation.go).
//
// In the request path it comes before everything: it decides which origin,
// cache key dimensions and TTL policy each path gets. Today it is used by
// `streamedge check` only; serving from the file is wired into package edge
// next.
//
// Load decodes with github.com/goccy/go-yaml (unknown keys are errors),
// fills in CloudFront's defaults and validates the whole file (references,
// patterns, TTL ordering, statuses, durations, sizes). Every problem is an
// *Error with the file, line, column and reason; all of them are reported,
// in file order. edge.schema.json describes the same file for editors; a
// test keeps it and the Go types in step.
package config
