package testorigin

import (
	"net/http"
	"strconv"
	"strings"
)

// request names one media resource: /{mode}/{pkg}/{rend}/{file}.
type mediaReq struct {
	live bool
	fmp4 bool // hls_fmp4 and dash share the fMP4 fixtures
	pkg  string
	rend *rendition
}

// parseMedia resolves the packaging and rendition of a request; rend may be
// empty for playlist-level routes.
func (o *Origin) parseMedia(r *http.Request) (mediaReq, bool) {
	m := mediaReq{live: strings.HasPrefix(r.URL.Path, "/live/"), pkg: r.PathValue("pkg")}
	var set []*rendition
	switch m.pkg {
	case "hls_ts":
		set = o.fx.ts
	case "hls_fmp4", "dash":
		m.fmp4, set = true, append(append([]*rendition(nil), o.fx.video...), o.fx.audio)
	default:
		return m, false
	}
	name := r.PathValue("rend")
	if name == "" {
		return m, true
	}
	for _, s := range set {
		if s.name == name {
			m.rend = s
			return m, true
		}
	}
	return m, false
}

// liveCacheControl is max-age=1 (TD/2) unless LivePlaylistMaxAge is set.
func (o *Origin) liveCacheControl() string {
	if d := o.opts.LivePlaylistMaxAge; d > 0 {
		return "max-age=" + strconv.FormatInt(int64(d.Seconds()), 10)
	}
	return "max-age=1"
}

func (o *Origin) master(w http.ResponseWriter, r *http.Request) {
	m, ok := o.parseMedia(r)
	if !ok || m.pkg == "dash" {
		http.NotFound(w, r)
		return
	}
	body := o.fx.masterPlaylist(m.fmp4)
	cc, mod := ccVOD, o.start
	if m.live {
		cc = o.liveCacheControl()
	}
	o.serve(w, r, bytesObject(kindManifest, body, mimeHLS, cc, etagOf(body), mod))
}

func (o *Origin) mediaPlaylist(w http.ResponseWriter, r *http.Request) {
	m, ok := o.parseMedia(r)
	if !ok || m.pkg == "dash" {
		http.NotFound(w, r)
		return
	}
	if !m.live {
		body := vodPlaylist(m.rend, m.fmp4)
		o.serve(w, r, bytesObject(kindManifest, body, mimeHLS, ccVOD, etagOf(body), o.start))
		return
	}
	body := livePlaylist(o.live, m.rend, m.fmp4)
	_, last := o.live.window()
	o.serve(w, r, bytesObject(kindManifest, body, mimeHLS, o.liveCacheControl(), etagOf(body), o.live.available(last)))
}

func (o *Origin) dashManifest(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/live/") {
		body := o.fx.mpd(mpdParams{})
		o.serve(w, r, bytesObject(kindManifest, body, mimeDASH, ccVOD, etagOf(body), o.start))
		return
	}
	_, last := o.live.window()
	pub := o.live.available(last)
	body := o.fx.mpd(mpdParams{live: true, epoch: o.live.epoch, publish: pub, utcURL: timeURL(r)})
	o.serve(w, r, bytesObject(kindManifest, body, mimeDASH, o.liveCacheControl(), etagOf(body), pub))
}

// timeURL is the absolute /time URL on the host the client used.
func timeURL(r *http.Request) string {
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	if h, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ","); h != "" {
		host = strings.TrimSpace(h)
	}
	return scheme + "://" + host + "/time"
}
