package testorigin

import (
	"net/http"
	"strings"
	"time"
)

// HeaderAvailableAt names the LL-HLS response header saying when the
// resource became available on the origin's schedule (RFC 3339 with
// nanoseconds, UTC): a part or segment's publication time; on a blocking
// playlist reload, the publication of the part or segment it waited for.
// Benchmarks subtract it from the first body byte a player receives
// through a cache (test origin only; real origins send nothing like it).
const HeaderAvailableAt = "X-Part-Available-At"

func setAvailableAt(h http.Header, at time.Time) {
	h.Set(HeaderAvailableAt, at.UTC().Format(time.RFC3339Nano))
}

// awaited is when the part or segment a blocking reload with directives d
// waits for is published (a part past a segment's last is part 0 of the
// next; no _HLS_part means the whole segment).
func (s *llStream) awaited(r *llRendition, d llDirectives) time.Time {
	msn, part := d.msn, d.part
	if d.hasPart && part >= len(r.partsOf(msn)) {
		msn, part = msn+1, 0
	}
	if !d.hasPart {
		part = len(r.partsOf(msn)) - 1
	}
	return s.published(r, msn, part)
}

// blockingKey is the Stats.Blocking key of an LL-HLS playlist request with
// _HLS_msn: its path and directives in a fixed order.
func blockingKey(r *http.Request) (string, bool) {
	if !strings.HasPrefix(r.URL.Path, "/live/"+llPkg+"/") || !strings.HasSuffix(r.URL.Path, ".m3u8") {
		return "", false
	}
	q := r.URL.Query()
	if !q.Has("_HLS_msn") {
		return "", false
	}
	var b strings.Builder
	b.WriteString(r.URL.Path)
	sep := "?"
	for _, k := range []string{"_HLS_msn", "_HLS_part", "_HLS_skip"} {
		if q.Has(k) {
			b.WriteString(sep + k + "=" + q.Get(k))
			sep = "&"
		}
	}
	return b.String(), true
}
