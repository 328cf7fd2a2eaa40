package testorigin

import (
	"encoding/json"
	"net/http"
	"strings"
)

// ServeHTTP counts the request, adds CORS headers, answers preflights,
// applies Latency/Jitter and ErrorRate, then routes.
func (o *Origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setCORS(w.Header())
	switch r.URL.Path {
	case "/_stats":
		o.serveStats(w)
		return
	case "/_reset":
		o.Reset()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	o.stats.request(r.URL.Path)
	if key, ok := blockingKey(r); ok {
		o.stats.blocking(key)
	}
	cw := &countingWriter{ResponseWriter: w, stats: o.stats, path: r.URL.Path}
	if !sleep(r.Context(), o.opts.Latency+o.rng.upTo(o.opts.Jitter)) {
		return // client went away
	}
	if r.Method == http.MethodOptions {
		preflight(cw)
		return
	}
	if r.URL.Path != "/time" && o.rng.hit(o.opts.ErrorRate) {
		o.stats.fault("error")
		cw.Header().Set("Cache-Control", "no-store")
		http.Error(cw, "testorigin: injected 503", http.StatusServiceUnavailable)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/live/"+llPkg+"/") {
		o.llmux.ServeHTTP(cw, r)
		return
	}
	o.mux.ServeHTTP(cw, r)
}

func (o *Origin) routes() *http.ServeMux {
	m := http.NewServeMux()
	for _, mode := range []string{"vod", "live"} {
		m.HandleFunc("GET /"+mode+"/{pkg}/master.m3u8", o.master)
		m.HandleFunc("GET /"+mode+"/{pkg}/{rend}/index.m3u8", o.mediaPlaylist)
		m.HandleFunc("GET /"+mode+"/{pkg}/{rend}/{file}", o.mediaFile)
		m.HandleFunc("GET /"+mode+"/dash/manifest.mpd", o.dashManifest)
	}
	m.HandleFunc("GET /time", o.serveTime)
	m.HandleFunc("GET /synthetic/{size}/{name...}", o.synthetic)
	m.HandleFunc("GET /slates/offline.m3u8", o.slate)
	return m
}

var exposed = strings.Join([]string{"Content-Length", "Content-Range", "Content-Type",
	"Age", "X-Cache", "Date", "ETag", "Last-Modified", "Cache-Control"}, ", ")

func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", exposed)
}

func preflight(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, Content-Type, "+
		"CMCD-Object, CMCD-Request, CMCD-Session, CMCD-Status")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Allow", "GET, HEAD, OPTIONS")
	w.WriteHeader(http.StatusNoContent)
}

func (o *Origin) serveStats(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(o.Stats())
}

// serveTime answers the DASH UTCTiming (http-xsdate) clock.
func (o *Origin) serveTime(w http.ResponseWriter, r *http.Request) {
	now := o.now()
	body := xsDateTime(now)
	h := w.Header()
	h.Set("Content-Type", mimeText)
	h.Set("Cache-Control", "no-store")
	h.Set("ETag", etagOf([]byte(body)))
	h.Set("Last-Modified", now.UTC().Format(http.TimeFormat))
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(body))
	}
}
