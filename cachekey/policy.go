package cachekey

import (
	"net/http"
	"sort"
	"strings"
)

// Behaviors of a cache policy's or an origin request policy's item list, by
// CloudFront's names. Headers in a cache policy are a whitelist or none;
// AllViewer is for origin request headers only.
const (
	None      = "none"
	Whitelist = "whitelist"
	AllExcept = "allExcept"
	All       = "all"
	AllViewer = "allViewer"
	// AllViewerAndWhitelistCloudFront is allViewer plus CloudFront's own
	// CloudFront-* headers, which the edge never makes: allViewer here.
	AllViewerAndWhitelistCloudFront = "allViewerAndWhitelistCloudFront"
)

// Items selects query strings, headers or cookies: a behavior and, for
// whitelist and allExcept, the names. Query-string and cookie names are
// case-sensitive, header names are not.
type Items struct {
	Behavior string
	Names    []string
}

// OriginRequest is CloudFront's origin request policy: values sent to the
// origin on a fill without entering the key. What the key holds is always
// sent too.
type OriginRequest struct {
	QueryStrings Items
	Headers      Items // none, whitelist, allViewer, allViewerAndWhitelistCloudFront, allExcept
	Cookies      Items
}

// itemSet is a compiled Items.
type itemSet struct {
	behavior string
	names    map[string]bool
}

func compile(it Items, fold bool) itemSet {
	s := itemSet{behavior: it.Behavior}
	if s.behavior == AllViewerAndWhitelistCloudFront {
		s.behavior = AllViewer
	}
	if len(it.Names) > 0 {
		s.names = make(map[string]bool, len(it.Names))
		for _, n := range it.Names {
			if fold {
				n = strings.ToLower(n)
			}
			s.names[n] = true
		}
	}
	return s
}

// has reports whether the set selects name (lower-cased for headers).
func (s itemSet) has(name string) bool {
	switch s.behavior {
	case All, AllViewer:
		return true
	case Whitelist:
		return s.names[name]
	case AllExcept:
		return !s.names[name]
	}
	return false
}

// any reports whether the set can select anything.
func (s itemSet) any() bool {
	return s.behavior == All || s.behavior == AllViewer || s.behavior == AllExcept || s.behavior == Whitelist && len(s.names) > 0
}

// edgeHeaders are never copied from a viewer into a fill: the edge sets them
// itself (Accept-Encoding and Origin are its variants, the validators and
// Range its own), they belong to one connection, Authorization makes a
// request pass through, and Cookie is the cookie policy's.
var edgeHeaders = map[string]bool{
	"accept-encoding": true, "origin": true, "host": true, "via": true, "cookie": true,
	"authorization": true, "proxy-authorization": true, "connection": true, "keep-alive": true,
	"proxy-connection": true, "te": true, "trailer": true, "transfer-encoding": true, "upgrade": true,
	"content-length": true, "expect": true, "http2-settings": true, "range": true, "if-range": true, "if-none-match": true,
	"if-modified-since": true, "if-match": true, "if-unmodified-since": true,
	"cache-control": true, "pragma": true, // CloudFront ignores a viewer's: it cannot force a refetch
	"streamedge-peer": true, // origin.PeerHeader: one POP member's fill to another, never an origin's
}

// EdgeHeader reports a header name a policy may not select: the edge sets it
// on fills itself or never forwards it (config validation uses it). CMCD-*
// headers are one viewer's telemetry: never in a key, never on a shared fill.
func EdgeHeader(name string) bool { return edgeHeader(strings.ToLower(name)) }

func edgeHeader(lower string) bool { return edgeHeaders[lower] || strings.HasPrefix(lower, "cmcd-") }

// canonicalHeaders lower-cases, dedupes and sorts header names.
func canonicalHeaders(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		n = strings.ToLower(n)
		if !seen[n] && !edgeHeader(n) {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// headerNames lists a request's header names (lower-cased) when h can say
// them: http.Header, or a view with Names (the fasthttp front end's).
func headerNames(h Header) []string {
	switch v := h.(type) {
	case http.Header:
		out := make([]string, 0, len(v))
		for k := range v {
			out = append(out, strings.ToLower(k))
		}
		return out
	case interface{ Names() []string }:
		return v.Names()
	}
	return nil
}
