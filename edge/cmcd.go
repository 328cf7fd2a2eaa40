package edge

import (
	"net/http"

	"github.com/streamedge/streamedge/cmcd"
)

// readCMCD reads the request's CMCD (the CMCD query argument and the
// CMCD-* headers) into the session tracker and the exchange's access-log
// field. It runs before the key is built, but CMCD never enters the key
// (cachekey drops the argument) nor a shared fill's origin request. A
// request without CMCD costs one allocation-free check (cmcd.Sent).
func (h *Handler) readCMCD(x *exchange) {
	hd, q := x.r.Header(), x.r.RawQuery()
	if !cmcd.Sent(hd, q) {
		return
	}
	d, _ := h.cmcd.ReadFrom(hd, q, x.start) // advisory: a bad key is counted and dropped, the request goes on
	if l := d.Log(); l != nil {
		x.w.logState().cmcd = l
	}
}

// CMCDSessions is the admin view of the CMCD sessions the edge has seen
// (JSON: most recent first, ?limit=N, ?sid=ID): mount it on the admin
// listener.
func (h *Handler) CMCDSessions() http.Handler { return h.cmcd }
