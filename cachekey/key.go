package cachekey

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/streamedge/streamedge/failure"
)

// Errors from Key; package failure maps ErrTooLong to 414 and ErrBadRequest to 400.
var (
	ErrTooLong    = failure.ErrTargetTooLong
	ErrBadRequest = failure.ErrBadTarget
)

// DefaultExcluded are the query parameters dropped from every key: CMCD
// (client telemetry, never part of the object). Signed-URL parameters
// (SignedURLParams) are kept: the edge does not verify them, and dropping them
// would hand content the origin protects to anyone; -ignore-query drops them
// on purpose.
var DefaultExcluded = []string{"CMCD"}

// llDirectives are LL-HLS's delivery directives (rfc8216bis §6.2.5): each
// selects another representation of a playlist, so they stay in the key
// whatever -ignore-query names, "*" included (a blocking reload keyed as
// the bare playlist would answer every player with whatever came first).
var llDirectives = map[string]bool{"_HLS_msn": true, "_HLS_part": true, "_HLS_skip": true}

// SignedURLParams are CloudFront's signed-URL parameters, for -ignore-query
// and for the routes that verify signatures (Excluding).
var SignedURLParams = []string{"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"}

// Config bounds and shapes keys.
type Config struct {
	IgnoreQuery []string // more parameter names to drop; "*" drops the whole query
	MaxLen      int      // longest key accepted (default 4096)
	MaxParams   int      // most query parameters, and most cookies, accepted (default 64)

	// The cache policy (CloudFront's): which query strings, headers and
	// cookies enter the key. The zero value is the flag-configured edge:
	// every query parameter but CMCD and IgnoreQuery, no header, no cookie.
	// CMCD and IgnoreQuery names never enter a key, whatever the behavior.
	QueryStrings Items    // Behavior "" is the flag mode's "all but IgnoreQuery"
	Headers      []string // a whitelist; names fold case, values are normalised
	Cookies      Items
	// Origin is the origin request policy: more values a fill sends.
	Origin OriginRequest
	// MaxValueLen bounds one header or cookie value entering the key
	// (default 1024); MaxForward the bytes of headers and cookies one fill
	// carries to the origin (default 20480, CloudFront's request-header
	// limit). A request over either gets 431.
	MaxValueLen int
	MaxForward  int
}

// Builder makes keys; it is safe for concurrent use.
type Builder struct {
	exclude   map[string]bool
	ignoreAll bool
	maxLen    int
	maxParams int

	query      itemSet  // behavior "": flag mode
	headers    []string // keyed headers, lower-cased and sorted
	headerKeys []string // the same, canonical (http.Header's spelling)
	cookies    itemSet
	origin     struct{ query, headers, cookies itemSet }
	originHdrs []string        // origin request whitelist headers, canonical
	noCookies  map[string]bool // cookies never keyed nor forwarded (ExcludingCookies)
	plain      bool            // no header, cookie or origin request item: Request is FromTarget
	maxValue   int
	maxForward int
}

// New returns a Builder for cfg.
func New(cfg Config) *Builder {
	b := &Builder{exclude: map[string]bool{}, maxLen: cfg.MaxLen, maxParams: cfg.MaxParams,
		maxValue: cfg.MaxValueLen, maxForward: cfg.MaxForward}
	if b.maxLen <= 0 {
		b.maxLen = 4096
	}
	if b.maxParams <= 0 {
		b.maxParams = 64
	}
	if b.maxValue <= 0 {
		b.maxValue = 1024
	}
	if b.maxForward <= 0 {
		b.maxForward = 20480
	}
	b.compilePolicies(cfg)
	for _, n := range append(append([]string{}, DefaultExcluded...), cfg.IgnoreQuery...) {
		if n == "*" {
			b.ignoreAll = true
		}
		b.exclude[n] = true
	}
	return b
}

// Excluding returns a Builder like b that also drops the named query
// parameters (a route that verifies signed URLs drops SignedURLParams: the
// signature was checked, and every viewer's URL is one object).
func (b *Builder) Excluding(names ...string) *Builder {
	c := *b
	c.exclude = make(map[string]bool, len(b.exclude)+len(names))
	for n := range b.exclude {
		c.exclude[n] = true
	}
	for _, n := range names {
		c.exclude[n] = true
		c.ignoreAll = c.ignoreAll || n == "*"
	}
	return &c
}

// ExcludingCookies returns a Builder like b whose key and fills never hold
// the named cookies, whatever the cookie policies say (a route that verifies
// signed cookies drops CloudFront's: they were the viewer's credentials for
// the edge).
func (b *Builder) ExcludingCookies(names ...string) *Builder {
	c := *b
	c.noCookies = make(map[string]bool, len(b.noCookies)+len(names))
	for n := range b.noCookies {
		c.noCookies[n] = true
	}
	for _, n := range names {
		c.noCookies[n] = true
	}
	return &c
}

// Key returns the cache key of r; HEAD and GET share keys.
func (b *Builder) Key(r *http.Request) (string, error) {
	return b.FromTarget(r.URL.EscapedPath(), r.URL.RawQuery)
}

// FromTarget builds a key from an escaped path and a raw query: the path and
// query part of a key (Request adds the keyed headers and cookies).
func (b *Builder) FromTarget(escapedPath, rawQuery string) (string, error) {
	if len(escapedPath)+len(rawQuery) > 4*b.maxLen {
		return "", ErrTooLong
	}
	path, err := normalizePath(escapedPath)
	if err != nil {
		return "", err
	}
	key, _, err := b.target(path, rawQuery, false)
	return key, err
}

// target joins a normalised path and the kept query: the key's and, with
// forward, the origin request's (the key's parameters plus those the origin
// request policy names).
func (b *Builder) target(path, rawQuery string, forward bool) (key, fwd string, err error) {
	kq, fq := "", ""
	// a query the key may hold (LL-HLS directives always may)
	keyed := !b.ignoreAll && b.query.behavior != None || strings.Contains(rawQuery, "_HLS_")
	if rawQuery != "" && (keyed || forward && b.origin.query.any()) {
		if kq, fq, err = b.normalizeQuery(rawQuery, forward); err != nil {
			return "", "", err
		}
	}
	key, fwd = path, path
	if kq != "" {
		key += "?" + kq
	}
	if fq == kq {
		fwd = key
	} else if fq != "" {
		fwd += "?" + fq
	}
	if len(key) > b.maxLen {
		return "", "", ErrTooLong
	}
	return key, fwd, nil
}

func (b *Builder) normalizeQuery(raw string, forward bool) (key, fwd string, err error) {
	if strings.Count(raw, "&") >= b.maxParams { // before splitting: 10,000 parameters cost no slice
		return "", "", fmt.Errorf("%w: more than %d query parameters", ErrTooLong, b.maxParams)
	}
	parts := strings.Split(raw, "&")
	kept, extra := parts[:0], []string(nil)
	for _, p := range parts {
		if p == "" {
			continue
		}
		name, value, hasEq := strings.Cut(p, "=")
		n, err := normalizeEscapes(name)
		if err != nil {
			return "", "", err
		}
		decoded := unescapeLoose(n)
		inKey, inFwd := b.keyedParam(decoded), forward && !b.dropped(decoded) && b.origin.query.has(decoded)
		if !inKey && !inFwd {
			continue
		}
		v, err := normalizeEscapes(value)
		if err != nil {
			return "", "", err
		}
		if hasEq {
			n += "=" + v
		}
		if inKey {
			kept = append(kept, n)
		} else {
			extra = append(extra, n)
		}
	}
	sortParams(kept)
	key = strings.Join(kept, "&")
	if extra == nil {
		return key, key, nil
	}
	all := append(append(make([]string, 0, len(kept)+len(extra)), kept...), extra...)
	sortParams(all)
	return key, strings.Join(all, "&"), nil
}

// keyedParam reports whether a query parameter (by decoded name) enters the key.
func (b *Builder) keyedParam(name string) bool {
	return llDirectives[name] || !b.dropped(name) && (b.query.behavior == "" || b.query.has(name))
}

// dropped reports a query parameter that neither enters the key nor reaches
// the origin, whatever the policies say: CMCD, IgnoreQuery, Excluding.
// LL-HLS's directives never are: they select what a blocking request waits for.
func (b *Builder) dropped(name string) bool {
	return !llDirectives[name] && (b.ignoreAll || b.exclude[name])
}

// sortParams sorts by name only, and stably: a=1&a=2 and a=2&a=1 are
// different objects to most origins (repeated parameters are read in order).
func sortParams(ps []string) {
	sort.SliceStable(ps, func(i, j int) bool { return paramName(ps[i]) < paramName(ps[j]) })
}

func paramName(p string) string {
	name, _, _ := strings.Cut(p, "=")
	return name
}
