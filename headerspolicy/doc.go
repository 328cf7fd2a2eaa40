// Package headerspolicy is the response headers policy of a cache behavior
// (CloudFront's ResponseHeadersPolicy): CORS answered at the edge, security
// headers, custom headers added and headers removed. It is applied at the
// response stage, per cache behavior:
//
//	listener → route (behavior) → [preflight: answered here, never keyed nor fetched]
//	  → cache key → store lookup → (miss) origin fetch → ... → response → [Apply]
//
// New compiles a validated *config.HeadersPolicy once: every header value it
// may add is built then, as a []string shared by every response and never
// written through (cap == len), so Apply only assigns map entries. Per
// request, Allow matches the request's Origin against the policy (the result,
// a Grant, holds one of the precomputed values, never the request's bytes);
// Apply then edits a response's header map in CloudFront's order: the
// headers to remove first, then the CORS, security and custom headers, each
// keeping the origin's value unless the policy overrides it. Preflight is
// the whole answer to a CORS preflight (OPTIONS with Origin and
// Access-Control-Request-Method), which the edge gives without asking the
// origin.
package headerspolicy
