package config

// File is a parsed edge.yaml. Names of origins, S3 origins and origin groups
// share one namespace: a behavior's origin names any of them.
type File struct {
	Origins                 map[string]*Origin        `yaml:"origins"`
	S3Origins               map[string]*S3Origin      `yaml:"s3_origins"`
	OriginGroups            map[string]*OriginGroup   `yaml:"origin_groups"`
	Behaviors               []*Behavior               `yaml:"behaviors"`        // ordered; first match wins
	DefaultBehavior         *BehaviorSettings         `yaml:"default_behavior"` // path `*`, required
	CustomErrorResponses    []*ErrorResponse          `yaml:"custom_error_responses"`
	ResponseHeadersPolicies map[string]*HeadersPolicy `yaml:"response_headers_policies"`
	PublicKeys              map[string]*PublicKey     `yaml:"public_keys"` // signed URLs: trusted keys (signing.go)
	KeyGroups               map[string][]string       `yaml:"key_groups"`  // key group → names in public_keys
	// Invalidation is the invalidation API's keys and bounds (invalidation.go).
	Invalidation *Invalidation `yaml:"invalidation"`
	Fleet        *Fleet        `yaml:"fleet"` // the fleet's state on NATS (fleet.go)
	// Peering is the POP this edge shares its misses with (peering.go).
	Peering *Peering `yaml:"peering"`
}

// Connection is what every origin kind has: timeouts and limits.
type Connection struct {
	DialTimeout           Duration `yaml:"dial_timeout"`            // default 3s
	ResponseHeaderTimeout Duration `yaml:"response_header_timeout"` // default 10s
	Timeout               Duration `yaml:"timeout"`                 // no progress this long cuts the exchange; default 30s
	MaxConns              Count    `yaml:"max_conns"`               // 0 = unbounded
	MaxIdleConns          Count    `yaml:"max_idle_conns"`          // default 256
	MaxFills              Count    `yaml:"max_fills"`               // concurrent fills, 0 = only the edge's total cap
}

// Origin is an HTTP(S) origin.
type Origin struct {
	URL                string `yaml:"url"` // http(s)://host[:port][/base path], required
	Connection         `yaml:",inline"`
	AddHeaders         map[string]string `yaml:"add_headers"` // sent on every origin request
	InsecureSkipVerify bool              `yaml:"insecure_skip_verify"`
}

// S3Origin is an S3 bucket (or an S3-compatible server), requests signed
// with SigV4. Keys come from the file or, when both are absent, from the
// standard AWS chain (environment, shared files, container/instance roles).
type S3Origin struct {
	Bucket          string `yaml:"bucket"`    // required
	Region          string `yaml:"region"`    // required (the SigV4 scope)
	Endpoint        string `yaml:"endpoint"`  // default https://s3.<region>.amazonaws.com
	URLStyle        string `yaml:"url_style"` // virtual-hosted (default) or path
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
	SessionToken    string `yaml:"session_token"`
	Connection      `yaml:",inline"`
}

// OriginGroup is a primary and a secondary origin with failover.
type OriginGroup struct {
	Primary          string   `yaml:"primary"`           // an origin or S3 origin, required
	Secondary        string   `yaml:"secondary"`         // required, not the primary
	FailoverStatuses []Status `yaml:"failover_statuses"` // default [500, 502, 503, 504]
	PrimaryBackoff   Duration `yaml:"primary_backoff"`   // a failed primary is skipped this long; default 10s
}

// Behavior is one ordered cache behavior.
type Behavior struct {
	Path             string `yaml:"path"` // CloudFront path pattern, required
	BehaviorSettings `yaml:",inline"`
}

// BehaviorSettings is everything a behavior sets besides its path.
type BehaviorSettings struct {
	Origin                string        `yaml:"origin"`          // origin, S3 origin or origin group, required
	AllowedMethods        []string      `yaml:"allowed_methods"` // default [GET, HEAD]
	CachePolicy           CachePolicy   `yaml:"cache_policy"`
	OriginRequest         OriginRequest `yaml:"origin_request"`
	Media                 Media         `yaml:"media"`
	ViewerProtocol        string        `yaml:"viewer_protocol"`         // allow-all (default), redirect-to-https, https-only
	ResponseHeadersPolicy string        `yaml:"response_headers_policy"` // a name in response_headers_policies
	TrustedKeyGroups      []string      `yaml:"trusted_key_groups"`      // names in key_groups: requests must be signed
	SignedManifests       *bool         `yaml:"signed_manifests"`        // default true with trusted_key_groups
	// Compress serves manifests and text types compressed (CloudFront's
	// Compress, edge.Route.Compress); default true.
	Compress *bool `yaml:"compress"`
}

// CachePolicy is CloudFront's cache policy: TTLs and the cache key.
type CachePolicy struct {
	MinTTL       *Duration `yaml:"min_ttl"`     // default 0
	DefaultTTL   *Duration `yaml:"default_ttl"` // default 24h (MinTTL if larger)
	MaxTTL       *Duration `yaml:"max_ttl"`     // default 365d (DefaultTTL if larger)
	QueryStrings KeyItems  `yaml:"query_strings"`
	Headers      KeyItems  `yaml:"headers"`
	Cookies      KeyItems  `yaml:"cookies"`
}

// KeyItems selects query strings, headers or cookies.
type KeyItems struct {
	Behavior string   `yaml:"behavior"` // none (default), whitelist, allExcept, all (allViewer for origin request headers)
	Names    []string `yaml:"names"`
}

// OriginRequest adds values to the origin request without keying on them.
type OriginRequest struct {
	QueryStrings KeyItems `yaml:"query_strings"`
	Headers      KeyItems `yaml:"headers"`
	Cookies      KeyItems `yaml:"cookies"`
}

// Media is streamedge's own media policy.
type Media struct {
	LiveClamp *bool  `yaml:"live_clamp"` // live playlist freshness clamped to the segment duration; default true
	Prefetch  *Count `yaml:"prefetch"`   // newest segments per rendition fetched ahead, 0 to MaxPrefetch; default -prefetch
	// Rewrite rewrites the URIs of the manifests the behavior stores
	// (edge.Route.Rewrite); nil or edge_relative false: off.
	Rewrite *Rewrite `yaml:"rewrite"`
	// HoldNotYetPublished: a segment 404 the newest live manifest vouches
	// for is held and retried, not cached (playlist-aware misses); default true.
	HoldNotYetPublished *bool `yaml:"hold_not_yet_published"`
}

// Rewrite is manifest rewriting. With EdgeRelative, absolute URIs naming the
// behavior's origin become path-absolute, so players stay on the edge: the
// origin's own host (for a group both members', for an S3 origin the bucket
// endpoint's host) and every host of Hosts, each under the origin's base
// path (an HTTP origin URL's path, a path-style bucket's /bucket), which is
// removed.
type Rewrite struct {
	EdgeRelative *bool    `yaml:"edge_relative"` // default false; hosts without it is refused (false keeps a host list off)
	Hosts        []string `yaml:"hosts"`         // more host or host:port names the origin's manifests use for it; at most MaxRewriteHosts
}

// On reports whether the behavior rewrites (edge_relative: true).
func (r *Rewrite) On() bool { return r != nil && r.EdgeRelative != nil && *r.EdgeRelative }

// ErrorResponse is a CloudFront custom error response.
type ErrorResponse struct {
	Status             Status    `yaml:"status"`                // the origin's status, required
	PagePath           string    `yaml:"page_path"`             // page served instead, fetched through the behaviors
	ResponseStatus     Status    `yaml:"response_status"`       // status sent with the page; required with page_path
	ErrorCachingMinTTL *Duration `yaml:"error_caching_min_ttl"` // default 10s
}

// HeadersPolicy is a response headers policy.
type HeadersPolicy struct {
	CORS          *CORS          `yaml:"cors"`
	Security      *Security      `yaml:"security"`
	CustomHeaders []CustomHeader `yaml:"custom_headers"`
	RemoveHeaders []string       `yaml:"remove_headers"`
}

// CORS is answered at the edge, preflight included.
type CORS struct {
	AllowOrigins     []string  `yaml:"allow_origins"` // "*" or serialized origins, required
	AllowHeaders     []string  `yaml:"allow_headers"`
	AllowMethods     []string  `yaml:"allow_methods"` // default [GET, HEAD]
	AllowCredentials bool      `yaml:"allow_credentials"`
	ExposeHeaders    []string  `yaml:"expose_headers"`
	MaxAge           *Duration `yaml:"max_age"`
	OriginOverride   bool      `yaml:"origin_override"` // the policy's headers win over the origin's
}

// Security is the security-headers part of a policy.
type Security struct {
	StrictTransportSecurity *HSTS  `yaml:"strict_transport_security"`
	ContentTypeOptions      bool   `yaml:"content_type_options"`    // X-Content-Type-Options: nosniff
	FrameOptions            string `yaml:"frame_options"`           // DENY or SAMEORIGIN
	ReferrerPolicy          string `yaml:"referrer_policy"`         // a Referrer-Policy token
	ContentSecurityPolicy   string `yaml:"content_security_policy"` // sent as is
	Override                bool   `yaml:"override"`                // the policy's headers win over the origin's
}

// HSTS is Strict-Transport-Security.
type HSTS struct {
	MaxAge            Duration `yaml:"max_age"` // required, > 0
	IncludeSubdomains bool     `yaml:"include_subdomains"`
	Preload           bool     `yaml:"preload"`
}

// CustomHeader is added to responses.
type CustomHeader struct {
	Name     string `yaml:"name"`
	Value    string `yaml:"value"`
	Override bool   `yaml:"override"` // replace the origin's value
}
