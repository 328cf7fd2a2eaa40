package fleet

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// View is the admin listener's /fleet answer.
type View struct {
	Self          string         `json:"self"`
	Ready         bool           `json:"ready"`
	ConfigVersion uint64         `json:"config_version"`
	Members       []Member       `json:"members"`
	Config        []ConfigStatus `json:"config_statuses"`
	Error         string         `json:"error,omitempty"`
}

// ServeHTTP answers GET with the View as JSON and PUT with the body
// published as the next configuration version.
func (n *Node) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		v := View{Self: n.cfg.Self.ID, Ready: n.Ready(), ConfigVersion: n.ConfigVersion(), Members: n.Members()}
		var err error
		if v.Config, err = n.ConfigStatuses(r.Context()); err != nil {
			v.Error = err.Error()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	case http.MethodPut:
		n.serveConfigPut(w, r)
	default:
		w.Header().Set("Allow", "GET, PUT")
		http.Error(w, "GET the fleet view, PUT a configuration", http.StatusMethodNotAllowed)
	}
}

// serveConfigPut publishes the body as the next configuration version; each
// edge loads it (or rejects it) on its own and reports in the view.
func (n *Node) serveConfigPut(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(n.cfg.MaxConfig)))
	if err != nil {
		http.Error(w, "configuration not read: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	v, err := n.PutConfig(r.Context(), b)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusCreated)
	_, _ = fmt.Fprintf(w, "version %d\n", v)
}
