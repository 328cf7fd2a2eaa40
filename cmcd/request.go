package cmcd

import (
	"net/http"
	"net/url"
	"strings"
)

// QueryParam is the query argument players send CMCD in; it never belongs
// in a cache key nor, unless the origin wants it, in the origin request.
const QueryParam = "CMCD"

// Headers are the CMCD request headers, in CTA-5004's order.
var Headers = []string{"CMCD-Object", "CMCD-Request", "CMCD-Session", "CMCD-Status"}

// FromRequest reads r's CMCD from the headers and the CMCD query argument
// (both when a player sends both; a key in the query wins). The error
// reports the first problem; the keys that parsed are returned with it.
func FromRequest(r *http.Request) (Data, error) {
	var p parser
	for _, h := range Headers {
		for _, v := range r.Header.Values(h) {
			p.payload(v)
		}
	}
	if r.URL != nil {
		if v, ok, err := queryValue(r.URL.RawQuery); err != nil {
			p.fail("query argument: %v", err)
		} else if ok {
			p.payload(v)
		}
	}
	return p.d, p.err
}

// queryValue finds the first CMCD argument in a raw query in one pass and
// decodes it.
func queryValue(raw string) (string, bool, error) {
	for raw != "" {
		var arg string
		arg, raw, _ = strings.Cut(raw, "&")
		v, ok := strings.CutPrefix(arg, QueryParam+"=")
		if !ok {
			continue
		}
		s, err := url.QueryUnescape(v)
		return s, err == nil, err
	}
	return "", false, nil
}
