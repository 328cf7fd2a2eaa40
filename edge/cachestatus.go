package edge

import (
	"net/http"
	"strconv"
)

// The RFC 9211 Cache-Status member this edge adds beside X-Cache. A hit is
// "streamedge; hit"; a response served stale while one background fill
// refreshes it is "streamedge; hit; detail=stale"; anything that went to the
// origin says how (fwd=miss, fwd=stale when a stale copy was being
// refreshed, fwd=bypass for pass-through, fwd=method for methods the cache
// does not serve), the origin's status (fwd-status), whether the response was
// stored and whether the request shared another's fetch (collapsed). An
// error the edge answered itself carries its failure label as detail. An
// upstream cache's members are kept, ours last (the cache nearest the client).
const cacheName = "streamedge"

// Forward reasons: the fwd parameter.
const (
	fwdMiss   = "miss"
	fwdStale  = "stale"
	fwdBypass = "bypass"
	fwdMethod = "method"
)

// csKey names one preallocated Cache-Status value.
type csKey struct {
	fwd       string
	status    int
	stored    bool
	collapsed bool
}

// Cache-Status values allocated once, cap == len like the other shared header
// values: the hit path only picks one.
var (
	csHit      = []string{cacheName + "; hit"}
	csStaleHit = []string{cacheName + "; hit; detail=stale"}
	csValues   = func() map[csKey][]string {
		m := map[csKey][]string{}
		for _, fwd := range []string{fwdMiss, fwdStale} {
			for _, st := range []int{200, 204, 206, 301, 302, 304, 307, 308, 400, 403, 404, 410, 500, 502, 503, 504} {
				for _, stored := range []bool{false, true} {
					for _, coll := range []bool{false, true} {
						k := csKey{fwd, st, stored, coll}
						m[k] = []string{formatCacheStatus(k, "")}
					}
				}
			}
		}
		for _, fwd := range []string{fwdMiss, fwdStale, fwdBypass, fwdMethod} {
			k := csKey{fwd: fwd}
			m[k] = []string{formatCacheStatus(k, "")}
		}
		return m
	}()
)

func formatCacheStatus(k csKey, detail string) string {
	s := cacheName
	if k.fwd != "" {
		s += "; fwd=" + k.fwd
	}
	if k.status != 0 {
		s += "; fwd-status=" + strconv.Itoa(k.status)
	}
	if k.stored {
		s += "; stored"
	}
	if k.collapsed {
		s += "; collapsed"
	}
	if detail != "" {
		s += "; detail=" + detail
	}
	return s
}

// cacheStatus is this response's Cache-Status member.
func cacheStatus(x *exchange) []string {
	switch {
	case x.result == resultHit:
		return csHit
	case x.result == resultStale && x.fwd == "":
		return csStaleHit
	}
	k := csKey{fwd: x.fwd, status: int(x.fwdStatus), stored: x.stored, collapsed: x.result == resultCoalesced}
	if x.failure == "" {
		if v, ok := csValues[k]; ok {
			return v
		}
	}
	return []string{formatCacheStatus(k, x.failure)}
}

// setCacheStatus sets our member after an upstream cache's (the origin's
// response, stored or passed through, may carry some). Only then does it
// allocate.
func setCacheStatus(hd http.Header, up, ours []string) {
	if len(up) == 0 {
		hd["Cache-Status"] = ours
		return
	}
	hd["Cache-Status"] = append(up[:len(up):len(up)], ours...)
}
