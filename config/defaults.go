package config

import (
	"time"

	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/origin"
)

// Defaults the loader fills in for keys a file leaves out.
const (
	DefaultMaxIdleConns       = 256
	DefaultPrimaryBackoff     = 10 * time.Second
	DefaultErrorCachingMinTTL = 10 * time.Second // CloudFront's
	DefaultURLStyle           = "virtual-hosted"
	DefaultViewerProtocol     = "allow-all"
	MaxPrefetch               = 8
	MaxRewriteHosts           = 16 // media.rewrite.hosts
)

// DefaultFailoverStatuses are the origin statuses an origin group fails
// over on when failover_statuses is left out.
var DefaultFailoverStatuses = []Status{500, 502, 503, 504}

func applyDefaults(f *File) {
	for _, o := range f.Origins {
		if o != nil {
			o.Connection.defaults()
		}
	}
	for _, s := range f.S3Origins {
		if s == nil {
			continue
		}
		s.Connection.defaults()
		if s.URLStyle == "" {
			s.URLStyle = DefaultURLStyle
		}
		if s.Endpoint == "" && s.Region != "" {
			s.Endpoint = "https://s3." + s.Region + ".amazonaws.com"
		}
	}
	for _, g := range f.OriginGroups {
		if g == nil {
			continue
		}
		if g.FailoverStatuses == nil {
			g.FailoverStatuses = append([]Status(nil), DefaultFailoverStatuses...)
		}
		if g.PrimaryBackoff == 0 {
			g.PrimaryBackoff = Duration(DefaultPrimaryBackoff)
		}
	}
	for _, b := range f.Behaviors {
		if b != nil {
			b.BehaviorSettings.defaults()
		}
	}
	if f.DefaultBehavior != nil {
		f.DefaultBehavior.defaults()
	}
	for _, e := range f.CustomErrorResponses {
		if e != nil && e.ErrorCachingMinTTL == nil {
			d := Duration(DefaultErrorCachingMinTTL)
			e.ErrorCachingMinTTL = &d
		}
	}
	if f.Invalidation != nil {
		f.Invalidation.defaults()
	}
	if f.Peering != nil {
		f.Peering.defaults()
	}
	for _, p := range f.ResponseHeadersPolicies {
		if p != nil && p.CORS != nil && p.CORS.AllowMethods == nil {
			p.CORS.AllowMethods = []string{"GET", "HEAD"}
		}
	}
}

func (c *Connection) defaults() {
	def := func(d *Duration, v time.Duration) {
		if *d == 0 {
			*d = Duration(v)
		}
	}
	def(&c.DialTimeout, origin.DefaultDialTimeout)
	def(&c.ResponseHeaderTimeout, origin.DefaultResponseHeaderTimeout)
	def(&c.Timeout, origin.DefaultTimeout)
	if c.MaxIdleConns == 0 {
		c.MaxIdleConns = DefaultMaxIdleConns
	}
}

func (s *BehaviorSettings) defaults() {
	if s.AllowedMethods == nil {
		s.AllowedMethods = []string{"GET", "HEAD"}
	}
	if s.ViewerProtocol == "" {
		s.ViewerProtocol = DefaultViewerProtocol
	}
	if s.Media.LiveClamp == nil {
		on := true
		s.Media.LiveClamp = &on
	}
	s.signingDefaults()
	if s.Compress == nil {
		on := true
		s.Compress = &on
	}
	s.CachePolicy.defaults()
	for _, k := range []*KeyItems{&s.CachePolicy.QueryStrings, &s.CachePolicy.Headers, &s.CachePolicy.Cookies,
		&s.OriginRequest.QueryStrings, &s.OriginRequest.Headers, &s.OriginRequest.Cookies} {
		if k.Behavior == "" {
			k.Behavior = "none"
		}
	}
}

// defaults are CloudFront's: MinTTL 0; DefaultTTL one day, or MinTTL when
// that is larger (and at most a given MaxTTL); MaxTTL one year, or
// DefaultTTL when that is larger.
func (p *CachePolicy) defaults() {
	if p.MinTTL == nil {
		p.MinTTL = new(Duration)
	}
	if p.DefaultTTL == nil {
		d := max(p.MinTTL.D(), freshness.DefaultDefaultTTL)
		if p.MaxTTL != nil && d > p.MaxTTL.D() && p.MaxTTL.D() >= p.MinTTL.D() {
			d = p.MaxTTL.D()
		}
		v := Duration(d)
		p.DefaultTTL = &v
	}
	if p.MaxTTL == nil {
		v := Duration(max(p.DefaultTTL.D(), freshness.DefaultMaxTTL))
		p.MaxTTL = &v
	}
}

// TTLs is the policy as freshness.ClampTTL takes it (after defaults).
func (p CachePolicy) TTLs() freshness.TTLs {
	var t freshness.TTLs
	if p.MinTTL != nil {
		t.Min = p.MinTTL.D()
	}
	if p.DefaultTTL != nil {
		t.Default = p.DefaultTTL.D()
	}
	if p.MaxTTL != nil {
		t.Max = p.MaxTTL.D()
	}
	return t
}
