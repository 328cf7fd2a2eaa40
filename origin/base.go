package origin

import "net/url"

// Base is the URL every fill's target starts with: scheme://host[:port]
// and the base path (for an S3 origin the bucket's URL, virtual-hosted or
// path-style). Manifest rewriting reads it to recognise the origin's own
// absolute URIs. It is a copy.
func (c *Client) Base() url.URL { return *c.cfg.URL }
