package cmcd

import (
	"net/http"
	"time"
)

// Read is the one call the request path makes per request: FromRequest,
// the invalid counter when something did not parse, and Observe. CMCD is
// advisory, so the request goes on whatever Read finds; the returned Data
// feeds the access log (Data.Log).
func (t *Tracker) Read(r *http.Request, now time.Time) (Data, error) {
	raw := ""
	if r.URL != nil {
		raw = r.URL.RawQuery
	}
	return t.ReadFrom(r.Header, raw, now)
}

// ReadFrom is Read for a request seen as its headers and raw query (the
// edge's front ends).
func (t *Tracker) ReadFrom(h HeaderReader, rawQuery string, now time.Time) (Data, error) {
	d, err := FromHeaders(h, rawQuery)
	if err != nil {
		t.metrics.Invalid()
	}
	t.Observe(&d, now)
	return d, err
}
