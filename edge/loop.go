package edge

import (
	"strings"

	"github.com/streamedge/streamedge/failure"
)

// Tiers: an edge's origin may be another streamedge (an origin shield).
// Every origin request carries CDN-Loop (RFC 8586) with the cdn-ids of the
// tiers it passed, this edge's last (origin.Config.CDNID); a request whose
// CDN-Loop already names this edge came around a loop and is refused with
// 508 before any origin work.

// maxCDNLoop bounds the CDN-Loop a request may carry into a fill: a real
// chain of tiers is a few ids long.
const maxCDNLoop = 1024

// checkLoop is the loop stage: it returns the request's CDN-Loop (for the
// fill) and false when it answered the request itself.
func (h *Handler) checkLoop(x *exchange) (string, bool) {
	vs := x.r.Header().Values("CDN-Loop")
	if len(vs) == 0 {
		return "", true
	}
	loop := strings.Clone(strings.Join(vs, ", ")) // a fill keeps it beyond the request
	if len(loop) > maxCDNLoop || (h.cfg.CDNID != "" && namesCDN(loop, h.cfg.CDNID)) {
		h.refuse(x, failure.ErrLoop)
		return "", false
	}
	return loop, true
}

// namesCDN reports whether a CDN-Loop value lists id: a comma-separated
// list of cdn-info, each a cdn-id with optional ";" parameters, compared
// case-insensitively.
func namesCDN(loop, id string) bool {
	for loop != "" {
		var info string
		info, loop, _ = strings.Cut(loop, ",")
		cdn, _, _ := strings.Cut(info, ";")
		if strings.EqualFold(strings.TrimSpace(cdn), id) {
			return true
		}
	}
	return false
}
