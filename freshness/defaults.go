package freshness

import "time"

// The default Config of cmd/streamedge's flags (-default-ttl,
// -negative-ttl, -stale-while-revalidate, -stale-if-error). The zero Config
// is valid too: nothing without explicit freshness is kept.
const (
	DefaultTTL                  = 24 * time.Hour
	DefaultNegativeTTL          = time.Second
	DefaultStaleWhileRevalidate = 10 * time.Second
	DefaultStaleIfError         = 5 * time.Minute
)
