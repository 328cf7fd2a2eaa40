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
	MaxParams   int      // most query parameters accepted (default 64)
}

// Builder makes keys; it is safe for concurrent use.
type Builder struct {
	exclude   map[string]bool
	ignoreAll bool
	maxLen    int
	maxParams int
}

// New returns a Builder for cfg.
func New(cfg Config) *Builder {
	b := &Builder{exclude: map[string]bool{}, maxLen: cfg.MaxLen, maxParams: cfg.MaxParams}
	if b.maxLen <= 0 {
		b.maxLen = 4096
	}
	if b.maxParams <= 0 {
		b.maxParams = 64
	}
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

// Key returns the cache key of r; HEAD and GET share keys.
func (b *Builder) Key(r *http.Request) (string, error) {
	return b.FromTarget(r.URL.EscapedPath(), r.URL.RawQuery)
}

// FromTarget builds a key from an escaped path and a raw query.
func (b *Builder) FromTarget(escapedPath, rawQuery string) (string, error) {
	if len(escapedPath)+len(rawQuery) > 4*b.maxLen {
		return "", ErrTooLong
	}
	path, err := normalizePath(escapedPath)
	if err != nil {
		return "", err
	}
	query := ""
	if rawQuery != "" {
		normalize := b.normalizeQuery
		if b.ignoreAll {
			normalize = b.directivesOnly
		}
		if query, err = normalize(rawQuery); err != nil {
			return "", err
		}
	}
	key := path
	if query != "" {
		key += "?" + query
	}
	if len(key) > b.maxLen {
		return "", ErrTooLong
	}
	return key, nil
}

func (b *Builder) normalizeQuery(raw string) (string, error) {
	parts := strings.Split(raw, "&")
	if len(parts) > b.maxParams {
		return "", fmt.Errorf("%w: more than %d query parameters", ErrTooLong, b.maxParams)
	}
	kept := parts[:0]
	for _, p := range parts {
		if p == "" {
			continue
		}
		name, value, hasEq := strings.Cut(p, "=")
		n, err := normalizeEscapes(name)
		if err != nil {
			return "", err
		}
		if un := unescapeLoose(n); !llDirectives[un] && b.exclude[un] {
			continue
		}
		v, err := normalizeEscapes(value)
		if err != nil {
			return "", err
		}
		if hasEq {
			n += "=" + v
		}
		kept = append(kept, n)
	}
	// Sorted by name only, and stably: a=1&a=2 and a=2&a=1 are different
	// objects to most origins (repeated parameters are read in order).
	sort.SliceStable(kept, func(i, j int) bool { return paramName(kept[i]) < paramName(kept[j]) })
	return strings.Join(kept, "&"), nil
}

// directivesOnly is the query "*" keeps: the LL-HLS directives alone
// (anything else is dropped unread, as before).
func (b *Builder) directivesOnly(raw string) (string, error) {
	var kept []string
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
		if name, _, _ := strings.Cut(p, "="); llDirectives[unescapeLoose(name)] && len(kept) < 3 {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return "", nil
	}
	return b.normalizeQuery(strings.Join(kept, "&"))
}

func paramName(p string) string {
	name, _, _ := strings.Cut(p, "=")
	return name
}
