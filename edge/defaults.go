package edge

import "time"

// Defaults for the zero values of Config; cmd/streamedge's flags use the
// same constants.
const (
	DefaultMaxObjectSize      = 64 << 20         // -max-object-size
	DefaultPassTTL            = 10 * time.Second // -pass-ttl
	DefaultMaxPassKeys        = 10000
	DefaultClientWriteTimeout = 60 * time.Second // -client-write-timeout
	DefaultMaxFills           = 1000             // -max-fills
	DefaultMaxFillBytes       = 256 << 20        // edge.Config's; -max-fill-bytes defaults to 1/4 of -cache-size
	DefaultFillWait           = time.Second      // -fill-wait
	DefaultPrefetch           = 2                // -prefetch: newest live segments per rendition fetched ahead
)
