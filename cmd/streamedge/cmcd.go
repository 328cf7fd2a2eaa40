package main

import "net/http"

// cmcdSessionsPath is where the admin listener serves the CMCD session view.
const cmcdSessionsPath = "/cmcd/sessions"

// cmcdRoutes mounts the edge's CMCD session view on the admin listener:
// the sessions players identified with a CMCD sid, most recently seen first
// (?limit=N), or one (?sid=ID): requests, buffer starvations, object
// types, last bitrate. Bounded by the edge's tracker (least recently seen
// sessions evicted).
func (a *app) cmcdRoutes(mux *http.ServeMux) {
	if a.cmcdView != nil {
		mux.Handle(cmcdSessionsPath, a.cmcdView)
	}
}
