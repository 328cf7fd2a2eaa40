package testorigin

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// llDirectives are a playlist request's delivery directives
// (rfc8216bis §6.2.5): _HLS_msn, _HLS_part and _HLS_skip.
type llDirectives struct {
	msn     int64
	part    int
	hasMSN  bool
	hasPart bool
	skip    skipMode
}

var errDirective = errors.New("testorigin: bad delivery directive")

// parseDirectives reads the _HLS_ query arguments. Values must be decimal
// integers (skip: YES or v2), each given at most once, and _HLS_part needs
// _HLS_msn (§6.2.5.2: MUST 400).
func parseDirectives(q url.Values) (llDirectives, error) {
	var d llDirectives
	var err error
	if d.msn, d.hasMSN, err = directiveInt(q, "_HLS_msn"); err != nil {
		return d, err
	}
	var part int64
	if part, d.hasPart, err = directiveInt(q, "_HLS_part"); err != nil {
		return d, err
	}
	d.part = int(min(part, 1<<20))
	if d.hasPart && !d.hasMSN {
		return d, fmt.Errorf("%w: _HLS_part without _HLS_msn", errDirective)
	}
	switch v := q["_HLS_skip"]; {
	case len(v) == 0:
	case len(v) > 1:
		return d, fmt.Errorf("%w: _HLS_skip given %d times", errDirective, len(v))
	case v[0] == "YES":
		d.skip = skipYes
	case v[0] == "v2":
		d.skip = skipV2
	default:
		return d, fmt.Errorf("%w: _HLS_skip=%q (want YES or v2)", errDirective, v[0])
	}
	return d, nil
}

// directiveInt parses one non-negative decimal directive (digits only).
func directiveInt(q url.Values, name string) (int64, bool, error) {
	v, ok := q[name]
	switch {
	case !ok:
		return 0, false, nil
	case len(v) != 1:
		return 0, false, fmt.Errorf("%w: %s given %d times", errDirective, name, len(v))
	}
	for _, c := range v[0] {
		if c < '0' || c > '9' {
			return 0, false, fmt.Errorf("%w: %s=%q is not a decimal integer", errDirective, name, v[0])
		}
	}
	n, err := strconv.ParseInt(v[0], 10, 64)
	if err != nil || len(v[0]) == 0 {
		return 0, false, fmt.Errorf("%w: %s=%q: %v", errDirective, name, v[0], err)
	}
	return n, true, nil
}
