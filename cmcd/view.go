package cmcd

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// DefaultViewLimit is how many sessions the view lists without ?limit=.
const DefaultViewLimit = 100

// view is the JSON the admin handler writes.
type view struct {
	Sessions    int       `json:"sessions"`
	MaxSessions int       `json:"max_sessions"`
	Evicted     int64     `json:"evicted"`
	List        []Session `json:"list"`
}

// ServeHTTP is the admin view (e.g. mounted at /cmcd/sessions): the most
// recently seen sessions as JSON, ?limit=N (at most the tracker's bound) or
// one session with ?sid=ID (404 when unknown).
func (t *Tracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if sid := q.Get("sid"); sid != "" {
		s, ok := t.Lookup(sid)
		if !ok {
			http.Error(w, "no such session", http.StatusNotFound)
			return
		}
		writeJSON(w, s)
		return
	}
	limit := DefaultViewLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			http.Error(w, "limit: want a non-negative integer", http.StatusBadRequest)
			return
		}
		limit = min(n, t.max)
	}
	list, n := t.Snapshot(limit)
	t.mu.Lock()
	evicted := t.evicted
	t.mu.Unlock()
	writeJSON(w, view{Sessions: n, MaxSessions: t.max, Evicted: evicted, List: list})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
