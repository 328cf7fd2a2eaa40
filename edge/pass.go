package edge

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/streamedge/streamedge/cmcd"
)

// isUpgrade reports a request asking to switch protocols (RFC 9110 §7.8):
// Connection names "upgrade" and Upgrade is set. httputil.ReverseProxy then
// tunnels the connection once the origin answers 101.
func isUpgrade(h headerView) bool {
	if h.Get("Upgrade") == "" {
		return false
	}
	for _, v := range h.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}

// pass sends the request to the origin uncached and unshared: other methods,
// requests carrying Authorization, keys whose responses must not be shared,
// objects over the size limit. The target sent is the normalised one.
func (h *Handler) pass(x *exchange) {
	x.result = resultPass
	var path, query string
	if x.key != "" {
		path, query, _ = strings.Cut(x.key, "?")
	} else {
		key, err := x.route.Keys.FromTarget(x.r.EscapedPath(), "")
		if err != nil {
			h.refuse(x, err)
			return
		}
		path, query = key, x.route.viewerQuery(cmcd.StripQuery(x.r.RawQuery())) // neither CMCD nor signing parameters reach the origin
	}
	x.fwd = fwdBypass
	if m := x.r.Method(); m != http.MethodGet && m != http.MethodHead {
		x.fwd = fwdMethod
	}
	// Set once the origin's headers are in: ours replace its X-Cache and
	// follow its Cache-Status members.
	x.w.onHead = func(hd http.Header, status int) {
		if status >= 400 {
			hd["X-Cache"] = xcacheValues[resultError]
		} else {
			hd["X-Cache"] = xcacheValues[resultPass]
		}
		setCacheStatus(hd, hd["Cache-Status"], csValues[csKey{fwd: x.fwd}]) // hd: the origin's, as the proxy copied them
	}
	upgrade := isUpgrade(x.r.Header())
	if upgrade { // the proxy writes a 101 on the hijacked connection, past onHead
		x.w.Header()["X-Cache"] = xcacheValues[resultPass]
		x.w.Header()["Cache-Status"] = csValues[csKey{fwd: x.fwd}]
	}
	x.r.proxy(h, x, path, query)
	if upgrade && x.w.status == 0 {
		x.w.status = http.StatusSwitchingProtocols // hijacked: the tunnel ran and ended
	}
	if x.w.status != 0 {
		h.metrics.originRequests.WithLabelValues(strconv.Itoa(x.w.status)).Inc()
	}
}
