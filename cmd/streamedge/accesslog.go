package main

import "os"

// edgeLocation is the cloudfront log format's x-edge-location: the host's
// name (CloudFront writes its POP, e.g. IAD89-C3), "" when unknown.
func edgeLocation() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}
