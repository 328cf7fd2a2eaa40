package routing

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ServeHTTP redirects a viewer (302) to the picked POP's edge URL with the
// request's path and query: GET and HEAD only. The client is the
// connection's address (a forwarding header would let any viewer choose).
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "GET or HEAD", http.StatusMethodNotAllowed)
		return
	}
	var client netip.Addr
	if host, _, err := net.SplitHostPort(req.RemoteAddr); err == nil {
		client, _ = netip.ParseAddr(host)
	}
	d := r.pick(client.Unmap(), needURL)
	if d == nil {
		http.Error(w, "no POP has an edge URL", http.StatusServiceUnavailable)
		return
	}
	r.decided(d, "http")
	w.Header().Set("Cache-Control", "private, no-store") // health and the client decide it
	w.Header().Set("X-Streamedge-Pop", d.POP.Name)
	http.Redirect(w, req, strings.TrimSuffix(d.POP.URL, "/")+req.URL.RequestURI(), http.StatusFound)
}
