package main

import "time"

// The server's own flag defaults (those of the packages are their Default*
// constants: edge, freshness, origin, limits, llhls); defaults() reads them
// from here and from there, and TestREADMEFlagTable checks the README's
// table against the result.
const (
	defaultListen            = ":8080"           // -listen
	defaultAdmin             = "127.0.0.1:9090"  // -admin: loopback, so pprof (auto) is on
	defaultPprof             = "auto"            // -pprof: on only when -admin is a loopback address
	defaultCacheSize         = 1 << 30           // -cache-size: 1 GiB
	defaultReadHeaderTimeout = 10 * time.Second  // -read-header-timeout
	defaultIdleTimeout       = 120 * time.Second // -idle-timeout
	defaultDrainTimeout      = 10 * time.Second  // -drain-timeout
	defaultAccessLog         = "-"               // -access-log: stdout
	defaultLogLevel          = "info"            // -log-level
	defaultHTTP3             = true              // -http3 (with -tls-listen)
	defaultCompress          = true              // -compress
)
