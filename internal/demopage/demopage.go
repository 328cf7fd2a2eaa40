package demopage

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/streamedge/streamedge/edge"
)

// Stream is one entry of the page's stream picker. Path is relative to the
// edge (e.g. /live/hls_ts/master.m3u8); paths ending in .mpd play with
// shaka-player, all others with hls.js.
type Stream struct {
	Name string
	Path string
}

// Config is what Handler serves.
type Config struct {
	// Stats reads the edge's counters (edge.Handler.Stats; required).
	Stats func() edge.Stats
	// OriginRequests, if set, reports the origin's own request count (the
	// test origin's /_stats "requests") as a cross-check of the edge's;
	// false when it is not known.
	OriginRequests func() (int64, bool)
	// AssetsDir is the node_modules directory holding hls.js and
	// shaka-player (player-test/browser/node_modules).
	AssetsDir string
	// Streams are listed in the picker; the first one plays on load.
	Streams []Stream
}

//go:embed assets
var assets embed.FS

var pages = template.Must(template.ParseFS(assets, "assets/index.html", "assets/player.html"))

// Handler serves the demo page and its JSON under /demo/. Mount it at
// "/demo/" on the edge's listener so the players fetch media from the same
// origin as the page.
func Handler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /demo/{$}", func(w http.ResponseWriter, r *http.Request) {
		render(w, "index.html", cfg.pageData())
	})
	mux.HandleFunc("GET /demo/player.html", func(w http.ResponseWriter, r *http.Request) {
		render(w, "player.html", cfg.pageData())
	})
	mux.HandleFunc("GET /demo/stats.json", cfg.serveStats)
	mux.HandleFunc("GET /demo/vendor/{file}", cfg.serveVendor)
	mux.Handle("GET /demo/static/", http.StripPrefix("/demo/", noCache(http.FileServerFS(mustSub(assets, "assets")))))
	mux.HandleFunc("/demo", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/demo/", http.StatusFound)
	})
	return mux
}

// pageData is what the templates see.
type pageData struct {
	Streams       []Stream
	VendorMissing []string // library files not found in AssetsDir
	AssetsDir     string
}

func (cfg Config) pageData() pageData {
	return pageData{Streams: cfg.Streams, VendorMissing: cfg.missingVendor(), AssetsDir: cfg.AssetsDir}
}

func render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}
