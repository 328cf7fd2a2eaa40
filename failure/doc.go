// Package failure is the one funnel from an error to what a client sees:
// status, one-line body and the label metrics and the access log count it
// under, as httputil.ReverseProxy's ErrorHandler does for one proxy.
//
// It serves every stage of the request path that can refuse or fail a
// request: the limits in front of the handler (limits), the cache key
// (cachekey), a fill that produced no usable response (edge) and the
// pass-through proxy (origin). Each kind of failure is a sentinel error
// defined here (the packages re-export theirs under their own names) and one
// row of a table; a new kind is one sentinel and one row. Errors are matched
// with errors.Is, so a sentinel wrapped with %w and a cause keeps its row.
// An error no row matches is a 502.
package failure
