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

// headerKeys are Headers in net/http's canonical form, so that looking them
// up in an http.Header does not allocate a canonical copy per request.
var headerKeys = []string{"Cmcd-Object", "Cmcd-Request", "Cmcd-Session", "Cmcd-Status"}

// HeaderReader reads request headers: http.Header is one, and so is the
// edge's view of a fasthttp request.
type HeaderReader interface {
	Get(name string) string      // the first value, "" when absent
	Values(name string) []string // every value
}

// FromRequest reads r's CMCD from the headers and the CMCD query argument
// (both when a player sends both; a key in the query wins). The error
// reports the first problem; the keys that parsed are returned with it.
func FromRequest(r *http.Request) (Data, error) {
	raw := ""
	if r.URL != nil {
		raw = r.URL.RawQuery
	}
	return FromHeaders(r.Header, raw)
}

// FromHeaders is FromRequest for a request seen as its headers and its raw
// query string. The strings of the Data it returns are copies or
// substrings of what h.Values returns and of rawQuery.
func FromHeaders(h HeaderReader, rawQuery string) (Data, error) {
	var p parser
	for _, name := range headerKeys {
		for _, v := range h.Values(name) {
			p.payload(v)
		}
	}
	if v, ok, err := queryValue(rawQuery); err != nil {
		p.fail("query argument: %v", err)
	} else if ok {
		p.payload(v)
	}
	return p.d, p.err
}

// Sent reports, without allocating, whether a request may carry CMCD: a
// CMCD-* header or a CMCD query argument. It is the per-request check that
// keeps requests without CMCD from paying for FromHeaders.
func Sent(h HeaderReader, rawQuery string) bool {
	if hasQueryArg(rawQuery) {
		return true
	}
	for _, name := range headerKeys {
		if h.Get(name) != "" {
			return true
		}
	}
	return false
}

func hasQueryArg(raw string) bool {
	for raw != "" {
		i := strings.Index(raw, QueryParam+"=")
		if i < 0 {
			return false
		}
		if i == 0 || raw[i-1] == '&' {
			return true
		}
		raw = raw[i+len(QueryParam)+1:]
	}
	return false
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

// StripQuery returns rawQuery without its CMCD arguments, the others kept
// in their order and spelling; rawQuery itself when it has none.
func StripQuery(rawQuery string) string {
	if !hasQueryArg(rawQuery) {
		return rawQuery
	}
	var b strings.Builder
	first := true
	for rest, more := rawQuery, true; more; {
		var arg string
		arg, rest, more = strings.Cut(rest, "&")
		if arg == QueryParam || strings.HasPrefix(arg, QueryParam+"=") {
			continue
		}
		if !first {
			b.WriteByte('&')
		}
		first = false
		b.WriteString(arg)
	}
	return b.String()
}
