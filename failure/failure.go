package failure

import (
	"errors"
	"io"
	"net/http"
)

// Origin failures: a fill or a pass-through that got no usable response.
var (
	ErrOriginTimeout     = errors.New("origin timeout")
	ErrOriginUnreachable = errors.New("origin unreachable")
	ErrShortBody         = errors.New("origin body shorter than its Content-Length")
	ErrTooBig            = errors.New("origin body larger than -max-object-size")
	ErrInvalidManifest   = errors.New("origin sent an invalid manifest")
	ErrUndecodable       = errors.New("origin sent a body the edge cannot decode")
	// ErrProtocol is a response the request cannot have asked for: 101 to a
	// plain GET, 304 to an unconditional request, 206 without Range.
	ErrProtocol = errors.New("origin response breaks the protocol")
)

// Edge overload: a fill limit (-max-fills, -origin-max-fills,
// -max-fill-bytes) was reached and -fill-wait passed.
var (
	ErrBusy       = errors.New("edge busy: fill limits reached")
	ErrFillBudget = errors.New("fill buffers full (-max-fill-bytes)")
)

// Client failures: requests refused before any origin work.
var (
	ErrTargetTooLong   = errors.New("request target too long")
	ErrBadTarget       = errors.New("malformed request target")
	ErrMethod          = errors.New("method not allowed")
	ErrFraming         = errors.New("ambiguous or unexpected request body")
	ErrHeadersTooLarge = errors.New("request header fields too large")
	ErrRateLimited     = errors.New("too many requests")
	// A cache behavior's refusals (CloudFront answers both 403).
	ErrBehaviorMethod = errors.New("method not allowed by the cache behavior")
	ErrHTTPSOnly      = errors.New("the cache behavior requires HTTPS")
	// ErrSignature: the behavior trusts key groups and the request's signed
	// URL or cookies did not verify (whichever check failed: one answer).
	ErrSignature = errors.New("signed URL or signed cookies refused")
	// ErrLoop: the request's CDN-Loop (RFC 8586) names this edge: it came
	// around a loop of tiers.
	ErrLoop = errors.New("request loop: CDN-Loop names this edge")
)

// LL-HLS blocking requests held at the edge (package llhls).
var (
	ErrBadDirective = errors.New("bad LL-HLS delivery directive")
	ErrHoldTimeout  = errors.New("LL-HLS blocking request not satisfied within 3 target durations")
	ErrHoldersFull  = errors.New("LL-HLS hold limits reached")
)

// Class is what a client sees of one kind of failure.
type Class struct {
	Err        error  // the sentinel, matched with errors.Is
	Status     int    // response status
	Body       string // one line, without the newline
	Label      string // metric label and access-log reason
	RetryAfter string // Retry-After to send, unless the caller set one ("" for none)
}

// classes is the table, first match wins. It is never modified. A new kind
// is a sentinel above and a row here, e.g. an overloaded edge:
//
//	{ErrBusy, http.StatusServiceUnavailable, "503 edge busy", "busy", "1"}
var classes = []Class{
	{ErrOriginTimeout, http.StatusGatewayTimeout, "504 origin timeout", "timeout", ""},
	{ErrOriginUnreachable, http.StatusBadGateway, "502 origin unreachable", "unreachable", ""},
	{ErrShortBody, http.StatusBadGateway, "502 truncated response from origin", "short_body", ""},
	{ErrTooBig, http.StatusBadGateway, "502 object larger than the edge's limit", "too_big", ""},
	{ErrInvalidManifest, http.StatusBadGateway, "502 invalid manifest from origin", "invalid_manifest", ""},
	{ErrUndecodable, http.StatusBadGateway, "502 undecodable response from origin", "undecodable", ""},
	{ErrProtocol, http.StatusBadGateway, "502 protocol error from origin", "protocol", ""},
	{ErrBusy, http.StatusServiceUnavailable, "503 edge busy (fill limits), retry in 1s", "busy", "1"},
	{ErrFillBudget, http.StatusServiceUnavailable, "503 edge busy (fill buffers full), retry in 1s", "fill_budget", "1"},
	{ErrTargetTooLong, http.StatusRequestURITooLong, "414 request-target too long", "uri", ""},
	{ErrBadTarget, http.StatusBadRequest, "400 bad request: malformed request-target", "bad_target", ""},
	{ErrMethod, http.StatusMethodNotAllowed, "405 method not allowed", "method", ""},
	{ErrFraming, http.StatusBadRequest, "400 bad request: ambiguous or unexpected request body", "framing", ""},
	{ErrHeadersTooLarge, http.StatusRequestHeaderFieldsTooLarge, "431 request header fields too large", "headers", ""},
	{ErrRateLimited, http.StatusTooManyRequests, "429 too many requests", "rate", ""},
	{ErrBehaviorMethod, http.StatusForbidden, "403 forbidden: method not allowed for this path", "behavior_method", ""},
	{ErrLoop, http.StatusLoopDetected, "508 loop detected: this request has passed this edge before", "loop", ""},
	{ErrHTTPSOnly, http.StatusForbidden, "403 forbidden: this path is served over HTTPS only", "https_only", ""},
	{ErrSignature, http.StatusForbidden, "403 forbidden: access denied", "signed_url", ""},
	{ErrBadDirective, http.StatusBadRequest, "400 bad request: invalid LL-HLS delivery directive", "llhls_directive", ""},
	{ErrHoldTimeout, http.StatusServiceUnavailable, "503 playlist update not available in time", "llhls_timeout", ""},
	{ErrHoldersFull, http.StatusServiceUnavailable, "503 edge busy (LL-HLS holders), retry in 1s", "llhls_holders", "1"},
}

// unknown is the class of an error no row matches.
var unknown = Class{Status: http.StatusBadGateway, Body: "502 bad gateway", Label: "error"}

// Classify returns the class of err (the 502 "error" class when none matches).
func Classify(err error) Class {
	for _, c := range classes {
		if errors.Is(err, c.Err) {
			return c
		}
	}
	return unknown
}

// Classes lists the table, for documentation and tests.
func Classes() []Class { return append([]Class(nil), classes...) }

// Write answers with c: a one-line text body that no cache may keep. Headers
// the caller set before (X-Cache, Connection, a computed Retry-After) stay.
func Write(w http.ResponseWriter, c Class) {
	hd := w.Header()
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	if c.RetryAfter != "" && hd.Get("Retry-After") == "" {
		hd.Set("Retry-After", c.RetryAfter)
	}
	w.WriteHeader(c.Status)
	_, _ = io.WriteString(w, c.Body+"\n")
}
