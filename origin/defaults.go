package origin

import "time"

// Defaults for the zero values of Config; cmd/streamedge's flags use the
// same constants.
const (
	DefaultDialTimeout           = 3 * time.Second // -origin-dial-timeout
	DefaultTLSHandshakeTimeout   = 5 * time.Second
	DefaultResponseHeaderTimeout = 10 * time.Second // -origin-header-timeout
	DefaultTimeout               = 30 * time.Second // -origin-timeout
)
