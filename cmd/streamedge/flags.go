package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/limits"
	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/peering"
	"github.com/streamedge/streamedge/prefetch"
)

// config is everything the flags set.
type config struct {
	Origin            string
	ConfigFile        string          // -config: origins and behaviors from an edge.yaml (distribution.go)
	set               map[string]bool // the flags given on the command line
	Listen            string
	HTTP1             string // -listen's front end: fasthttp or net (front.go)
	Admin             string
	Pprof             string
	CacheSize         byteSize
	MaxObjectSize     byteSize
	DefaultTTL        time.Duration
	NegativeTTL       time.Duration
	IgnoreQuery       string
	StaleWhileReval   time.Duration
	StaleIfError      time.Duration
	OriginTimeout     time.Duration
	OriginDialTimeout time.Duration
	OriginHeaderTime  time.Duration
	OriginInsecure    bool
	MaxFills          int
	OriginMaxFills    int
	MaxFillBytes      byteSize
	FillWait          time.Duration
	LLMaxHolders      int // LL-HLS blocking requests held at the edge, in all
	LLMaxPerPlaylist  int // and per playlist
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	ClientWriteTime   time.Duration
	MaxHeaderBytes    byteSize
	PassTTL           time.Duration
	DrainTimeout      time.Duration
	AccessLog         string
	AccessLogFormat   string // json or cloudfront (edge.LogFormats)
	LogLevel          string
	DemoAssets        string
	CacheFile         string
	CacheSaveInterval time.Duration
	MaxConns          int
	MaxConnsPerIP     int
	MaxURILength      int
	RateLimit         float64
	RateBurst         int
	TLSListen         string
	TLSCerts          fileList
	TLSKeys           fileList
	HTTP3             bool
	Compress          bool
	RewriteOriginURLs bool   // -rewrite-origin-urls: manifests' -origin URIs made edge-relative
	CDNID             string // -cdn-id: this edge in CDN-Loop; "" = hostname:port (cdnID)
	Prefetch          int    // -prefetch: newest live segments per rendition fetched ahead
	Fleet             string // -fleet: NATS URL of the fleet state (fleet.go); "" = off
	FleetEmbedded     string // -fleet-embedded: run a nats-server with JetStream on this address
	FleetPOP          string // -fleet-pop: this edge's POP in the membership
	Peers             string // -peers: the POP's member URLs (peering.go)
	PeerSelf          string // -peer-self: this edge's URL among them
	PeerDNS           string // -peer-dns: name:port of a headless Service listing the members
	PeerHot           string // -peer-hot: origin or owner
	PeerFleet         bool   // -peer-fleet: the members are the fleet's live members of this POP
	// peerResolver resolves -peer-dns (and a peering section's dns); nil
	// is the system's. Tests point it at a DNS server of their own.
	peerResolver peering.Resolver
	// peerTimeout, when set, bounds the peering probe and a peer fill's
	// connect instead of peering's defaults (250 ms each). Tests that prove
	// coalescing across a POP set it long, so that a machine loaded by
	// other tests does not mark a live owner down.
	peerTimeout time.Duration
}

// defaults is the one place the flags' defaults are set: the packages'
// own defaults (the values their zero Config means) where they have one,
// the server's here. TestREADMEFlagTable checks the README's table against
// them.
func defaults() config {
	return config{
		Listen: defaultListen, HTTP1: defaultHTTP1, Admin: defaultAdmin, Pprof: defaultPprof,
		CacheSize: defaultCacheSize, MaxObjectSize: edge.DefaultMaxObjectSize,
		DefaultTTL: freshness.DefaultTTL, NegativeTTL: freshness.DefaultNegativeTTL,
		StaleWhileReval: freshness.DefaultStaleWhileRevalidate, StaleIfError: freshness.DefaultStaleIfError,
		OriginTimeout: origin.DefaultTimeout, OriginDialTimeout: origin.DefaultDialTimeout, OriginHeaderTime: origin.DefaultResponseHeaderTimeout,
		MaxFills: edge.DefaultMaxFills, FillWait: edge.DefaultFillWait,
		LLMaxHolders: llhls.DefaultMaxHolders, LLMaxPerPlaylist: llhls.DefaultMaxHoldersPerPlaylist,
		ReadHeaderTimeout: defaultReadHeaderTimeout, IdleTimeout: defaultIdleTimeout, ClientWriteTime: edge.DefaultClientWriteTimeout,
		MaxHeaderBytes: limits.DefaultMaxHeaderBytes, PassTTL: edge.DefaultPassTTL, DrainTimeout: defaultDrainTimeout,
		AccessLog: defaultAccessLog, AccessLogFormat: edge.LogJSON, LogLevel: defaultLogLevel, MaxURILength: limits.DefaultMaxURILength, HTTP3: defaultHTTP3,
		Prefetch: edge.DefaultPrefetch, PeerHot: string(peering.HotOrigin),
		Compress: defaultCompress,
	}
}

// parseFlags reads a command's flags. A bad flag or value is one line on
// stderr and errUsage; -h prints the flags and flag.ErrHelp.
func parseFlags(cmd string, args []string, stderr io.Writer) (config, error) {
	c := defaults()
	fs := flagSet(cmd, &c)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(cmd, fs, stderr)
			return c, err
		}
		fmt.Fprintf(stderr, "streamedge %s: %v (see 'streamedge %s -h')\n", cmd, err, cmd)
		return c, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "streamedge %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return c, errUsage
	}
	c.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	if err := c.validate(); err != nil {
		fmt.Fprintf(stderr, "streamedge %s: %v\n", cmd, err)
		return c, errUsage
	}
	return c, nil
}

// flagSet defines cmd's flags on c, which holds the defaults (the README's
// flag table is checked against it).
func flagSet(cmd string, c *config) *flag.FlagSet {
	if cmd == "demo" {
		c.AccessLog = "off" // the demo prints its URLs; -access-log - brings the log back
		c.Origin = defaultDemoOrigin
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.Origin, "origin", c.Origin, "origin base URL, http(s)://host[:port][/path] (required for serve; the demo origin for demo)")
	fs.StringVar(&c.ConfigFile, "config", c.ConfigFile, "serve the origins, origin groups and cache behaviors of this edge.yaml instead of -origin (reloaded on SIGHUP and `streamedge reload`)")
	fs.StringVar(&c.Listen, "listen", c.Listen, "address to serve clients on over plain HTTP (\"off\": HTTPS only, on -tls-listen)")
	fs.StringVar(&c.HTTP1, "http1", c.HTTP1, "front end serving HTTP/1.1 (on -listen and -tls-listen): fasthttp or net")
	fs.StringVar(&c.TLSListen, "tls-listen", c.TLSListen, "address to serve HTTPS on: HTTP/1.1 and HTTP/2 over TCP, HTTP/3 over UDP on the same port (empty: off)")
	fs.Var(&c.TLSCerts, "tls-cert", "PEM certificate chain for -tls-listen; repeat the flag or separate with commas for several, chosen by SNI (the first is the default)")
	fs.Var(&c.TLSKeys, "tls-key", "PEM private key of each -tls-cert, in the same order")
	fs.BoolVar(&c.HTTP3, "http3", c.HTTP3, "also serve HTTP/3 (QUIC) on the -tls-listen port over UDP, advertised by Alt-Svc")
	fs.StringVar(&c.CDNID, "cdn-id", c.CDNID, "this edge's id in CDN-Loop (RFC 8586), added to every origin request; a request already naming it is a loop of tiers and is refused with 508 (default: hostname:port of -listen)")
	fs.StringVar(&c.Fleet, "fleet", c.Fleet, "NATS URL (nats://host:4222[,nats://...]) of the fleet state: membership, fleet-wide invalidations, configuration versions (empty: off)")
	fs.StringVar(&c.FleetEmbedded, "fleet-embedded", c.FleetEmbedded, "run an embedded nats-server with JetStream on this address for a single node or a dev fleet (joined unless -fleet names another)")
	fs.StringVar(&c.FleetPOP, "fleet-pop", c.FleetPOP, "this edge's POP name in the fleet membership")
	fs.StringVar(&c.Peers, "peers", c.Peers, "peering inside a POP: the members' edge URLs, comma-separated, each optionally =weight (self included); a miss of a key another member owns is fetched from it")
	fs.StringVar(&c.PeerSelf, "peer-self", c.PeerSelf, "this edge's URL as the other members reach it (required with -peers or -peer-dns)")
	fs.StringVar(&c.PeerDNS, "peer-dns", c.PeerDNS, "peering members from DNS: name:port of a headless Service, its A/AAAA records re-resolved every 5s (instead of -peers)")
	fs.BoolVar(&c.PeerFleet, "peer-fleet", c.PeerFleet, "peering members from the fleet (-fleet or -fleet-embedded): the live members with this edge's -fleet-pop, by their edge URLs, followed as they join and leave (instead of -peers)")
	fs.StringVar(&c.PeerHot, "peer-hot", c.PeerHot, "manifests under peering: origin (every member fetches them from the origin) or owner (through their owner, replicated)")
	fs.StringVar(&c.Admin, "admin", c.Admin, "address for /metrics, /healthz, /readyz (\"off\" to disable)")
	fs.StringVar(&c.Pprof, "pprof", c.Pprof, "serve /debug/pprof/ on the admin listener: on, off, or auto (on only when -admin is a loopback address)")
	fs.Var(&c.CacheSize, "cache-size", "memory for cached objects (units B, KiB, MiB, GiB, KB, MB, GB; min 128MiB)")
	fs.Var(&c.MaxObjectSize, "max-object-size", "larger bodies stream through uncached")
	fs.DurationVar(&c.DefaultTTL, "default-ttl", c.DefaultTTL, "lifetime of cacheable responses without freshness information (CloudFront DefaultTTL)")
	fs.DurationVar(&c.NegativeTTL, "negative-ttl", c.NegativeTTL, "lifetime of 404/410 without freshness information")
	fs.StringVar(&c.IgnoreQuery, "ignore-query", c.IgnoreQuery, "comma-separated query parameters left out of the cache key and origin request (\"*\" for all); CMCD always is, signed-URL ones (Expires,Policy,Signature,Key-Pair-Id) only if named")
	fs.IntVar(&c.Prefetch, "prefetch", c.Prefetch, "newest segments per rendition a refreshed live playlist or MPD gets fetched ahead, so the first viewer hits (0: off; a behavior's media.prefetch wins)")
	fs.BoolVar(&c.RewriteOriginURLs, "rewrite-origin-urls", c.RewriteOriginURLs, "rewrite absolute URIs in manifests that name -origin's host (under its base path, which is removed) to path-absolute ones, so players stay on the edge (per behavior: media.rewrite)")
	fs.BoolVar(&c.Compress, "compress", c.Compress, "serve manifests and text types (1,000 bytes to 10 MB, sent uncompressed by the origin) compressed to clients accepting br, zstd or gzip; never media segments (CloudFront's Compress)")
	fs.DurationVar(&c.StaleWhileReval, "stale-while-revalidate", c.StaleWhileReval, "serve a stale copy this long past expiry while one background fill refreshes it (origin's stale-while-revalidate wins)")
	fs.DurationVar(&c.StaleIfError, "stale-if-error", c.StaleIfError, "serve a stale copy this long past expiry when the origin fails (origin's stale-if-error wins)")
	fs.DurationVar(&c.OriginTimeout, "origin-timeout", c.OriginTimeout, "an origin exchange making no progress this long is cut (no response headers, or no body bytes while the edge waits for them); a long transfer that keeps coming never is")
	fs.DurationVar(&c.OriginDialTimeout, "origin-dial-timeout", c.OriginDialTimeout, "bound on connecting to the origin")
	fs.DurationVar(&c.OriginHeaderTime, "origin-header-timeout", c.OriginHeaderTime, "bound on waiting for the origin's response headers")
	fs.BoolVar(&c.OriginInsecure, "origin-insecure", c.OriginInsecure, "do not verify the origin's TLS certificate")
	fs.IntVar(&c.MaxFills, "max-fills", c.MaxFills, "concurrent origin fills in all (each at most one origin connection); a miss beyond waits -fill-wait, then 503")
	fs.IntVar(&c.OriginMaxFills, "origin-max-fills", c.OriginMaxFills, "concurrent fills from the origin (0: -max-fills)")
	fs.Var(&c.MaxFillBytes, "max-fill-bytes", "memory the body buffers of fills in flight may hold in all (default 1/4 of -cache-size; at least -max-object-size)")
	fs.DurationVar(&c.FillWait, "fill-wait", c.FillWait, "how long a miss waits for a fill limit (-max-fills, -origin-max-fills, -max-fill-bytes) before 503 with Retry-After")
	fs.IntVar(&c.LLMaxHolders, "llhls-max-holders", c.LLMaxHolders, "LL-HLS blocking playlist requests (_HLS_msn) held at the edge in all; beyond, 503 with Retry-After")
	fs.IntVar(&c.LLMaxPerPlaylist, "llhls-max-holders-per-playlist", c.LLMaxPerPlaylist, "LL-HLS blocking requests held per playlist (rendition and _HLS_skip mode); beyond, 503 with Retry-After")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout, "bound on a client sending its request headers (-http1 fast on plain TCP: up to an eighth later)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "idle keep-alive client connections are closed after this (-http1 fast on plain TCP: up to an eighth later)")
	fs.DurationVar(&c.ClientWriteTime, "client-write-timeout", c.ClientWriteTime, "a client that accepts less than 256 KiB of a body (one write slice) in this long is cut (-http1 fast on plain TCP: up to an eighth later)")
	fs.Var(&c.MaxHeaderBytes, "max-header-bytes", "largest request header block accepted (431 beyond)")
	fs.IntVar(&c.MaxConns, "max-conns", c.MaxConns, "concurrent client connections in all, 503 beyond (0 = unlimited; set -max-conns-per-ip with it)")
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", c.MaxConnsPerIP, "concurrent connections per client IP (IPv6: per /64), 503 beyond (0 = unlimited)")
	fs.IntVar(&c.MaxURILength, "max-uri-length", c.MaxURILength, "longest request-target accepted (414 beyond)")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second per client IP, 429 beyond (0 = off)")
	fs.IntVar(&c.RateBurst, "rate-burst", c.RateBurst, "requests a client IP may make at once (default: -rate-limit rounded up)")
	fs.DurationVar(&c.PassTTL, "pass-ttl", c.PassTTL, "how long a key whose response must not be shared stays pass-through")
	fs.DurationVar(&c.DrainTimeout, "drain-timeout", c.DrainTimeout, "on SIGTERM, how long in-flight requests may finish")
	fs.StringVar(&c.CacheFile, "cache-file", c.CacheFile, "snapshot directory: the cache is loaded from it at start and saved to it at shutdown (warm restarts)")
	fs.DurationVar(&c.CacheSaveInterval, "cache-save-interval", c.CacheSaveInterval, "also save the snapshot this often, so a crash loses at most this much (0: only at shutdown)")
	fs.StringVar(&c.AccessLog, "access-log", c.AccessLog, "access log, one line per request: \"-\" for stdout, a file path, or \"off\"")
	fs.StringVar(&c.AccessLogFormat, "access-log-format", c.AccessLogFormat, "access-log format: json (one object per line) or cloudfront (CloudFront's standard log: W3C header, tab-separated fields)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	if cmd == "demo" {
		fs.StringVar(&c.DemoAssets, "demo-assets", c.DemoAssets, "node_modules directory with hls.js and shaka-player for /demo/ (default player-test/browser/node_modules, also looked up next to bin/)")
	}
	fs.Usage = func() {}
	return fs
}

func printUsage(cmd string, fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: streamedge %s [flags]\n\nFlags:\n", cmd)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func (c *config) validate() error {
	if err := c.validateOrigin(); err != nil {
		return err
	}
	if err := c.validateHTTP1(); err != nil {
		return err
	}
	if _, err := c.peeringConfig(""); err != nil { // peering.go
		return err
	}
	switch {
	case c.CacheSize < 128<<20:
		return fmt.Errorf("-cache-size %s: at least 128MiB (512MiB or more recommended)", c.CacheSize)
	case c.MaxObjectSize <= 0 || c.MaxObjectSize > c.CacheSize/8:
		return fmt.Errorf("-max-object-size %s: must be > 0 and at most 1/8 of -cache-size", c.MaxObjectSize)
	case c.MaxFillBytes != 0 && c.MaxFillBytes < c.MaxObjectSize:
		return fmt.Errorf("-max-fill-bytes %s: at least -max-object-size (%s)", c.MaxFillBytes, c.MaxObjectSize)
	case c.MaxHeaderBytes < 1<<10:
		return fmt.Errorf("-max-header-bytes %s: at least 1KiB", c.MaxHeaderBytes)
	}
	for name, d := range map[string]time.Duration{
		"default-ttl": c.DefaultTTL, "negative-ttl": c.NegativeTTL, "stale-while-revalidate": c.StaleWhileReval,
		"stale-if-error": c.StaleIfError, "pass-ttl": c.PassTTL, "drain-timeout": c.DrainTimeout,
		"cache-save-interval": c.CacheSaveInterval,
	} {
		if d < 0 {
			return fmt.Errorf("-%s %s: must not be negative", name, d)
		}
	}
	for name, d := range map[string]time.Duration{
		"origin-timeout": c.OriginTimeout, "origin-dial-timeout": c.OriginDialTimeout, "origin-header-timeout": c.OriginHeaderTime,
		"read-header-timeout": c.ReadHeaderTimeout, "idle-timeout": c.IdleTimeout, "client-write-timeout": c.ClientWriteTime,
		"fill-wait": c.FillWait,
	} {
		if d <= 0 {
			return fmt.Errorf("-%s %s: must be positive", name, d)
		}
	}
	if c.MaxFills < 1 {
		return fmt.Errorf("-max-fills %d: at least 1", c.MaxFills)
	}
	if c.LLMaxHolders < 1 || c.LLMaxPerPlaylist < 1 {
		return fmt.Errorf("-llhls-max-holders %d, -llhls-max-holders-per-playlist %d: at least 1", c.LLMaxHolders, c.LLMaxPerPlaylist)
	}
	for name, n := range map[string]int{"origin-max-fills": c.OriginMaxFills, "max-conns": c.MaxConns, "max-conns-per-ip": c.MaxConnsPerIP, "rate-burst": c.RateBurst} {
		if n < 0 {
			return fmt.Errorf("-%s %d: must not be negative", name, n)
		}
	}
	if c.Prefetch < 0 || c.Prefetch > prefetch.MaxPerRendition {
		return fmt.Errorf("-prefetch %d: 0 to %d", c.Prefetch, prefetch.MaxPerRendition)
	}
	if c.MaxURILength < 256 {
		return fmt.Errorf("-max-uri-length %d: at least 256", c.MaxURILength)
	}
	if !(c.RateLimit >= 0) {
		return fmt.Errorf("-rate-limit %v: must not be negative", c.RateLimit)
	}
	if err := edge.CheckLogFormat(c.AccessLogFormat); err != nil || c.AccessLogFormat == "" {
		return fmt.Errorf("-access-log-format %q: want %s", c.AccessLogFormat, strings.Join(edge.LogFormats, " or "))
	}
	if c.Pprof != "auto" && c.Pprof != "on" && c.Pprof != "off" {
		return fmt.Errorf("-pprof %q: want auto, on or off", c.Pprof)
	}
	if err := c.validateTLS(); err != nil {
		return err
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("-log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

func (c *config) ignoreQuery() []string {
	var out []string
	for _, p := range strings.Split(c.IgnoreQuery, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// maxFillBytes is -max-fill-bytes, or 1/4 of -cache-size by default: fills in
// flight then never hold more than a quarter of what the cache does.
func (c *config) maxFillBytes() int64 {
	if c.MaxFillBytes > 0 {
		return int64(c.MaxFillBytes)
	}
	return max(int64(c.CacheSize)/4, int64(c.MaxObjectSize))
}

// validateOrigin: -origin or -config, and never a flag the file also sets.
func (c *config) validateOrigin() error {
	if c.ConfigFile != "" {
		return c.checkConfigFlags()
	}
	if c.Origin == "" {
		return errors.New("-origin (or -config) is required")
	}
	u, err := url.Parse(c.Origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-origin %q: want http(s)://host[:port]", c.Origin)
	}
	return nil
}

// cdnID is -cdn-id, or this host's name and the client port: unique per
// edge process on a host, so two tiers on one machine do not refuse each
// other.
func (c *config) cdnID(ln net.Listener) string {
	if c.CDNID != "" {
		return c.CDNID
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "streamedge"
	}
	if ln != nil {
		if _, port, err := net.SplitHostPort(ln.Addr().String()); err == nil {
			return host + ":" + port
		}
	}
	return host
}
