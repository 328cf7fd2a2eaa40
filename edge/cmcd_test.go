package edge

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/cmcd"
)

// cmcdOrigin serves a live playlist and segments, recording the raw query
// and CMCD headers each origin request carried.
type cmcdOrigin struct {
	*testOrigin
	mu   sync.Mutex
	seen []string // "path?query cmcd-headers"
}

func newCMCDOrigin(t *testing.T) *cmcdOrigin {
	o := &cmcdOrigin{}
	o.testOrigin = newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.seen = append(o.seen, r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("CMCD-Object")+r.Header.Get("CMCD-Request")+
			r.Header.Get("CMCD-Session")+r.Header.Get("CMCD-Status"))
		o.mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, ".m3u8"):
			w.Header().Set("Cache-Control", "max-age=1")
			_, _ = io.WriteString(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:4,\nseg_1.m4s\n")
		default:
			w.Header().Set("Cache-Control", "max-age=600")
			_, _ = io.WriteString(w, "segment")
		}
	})
	return o
}

func (o *cmcdOrigin) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen...)
}

// hlsJSQuery is the CMCD query argument as hls.js builds it (keys sorted,
// encodeURIComponent of the payload).
func hlsJSQuery(payload string) string { return "CMCD=" + url.QueryEscape(payload) }

// TestCMCDFromPlayersThroughTheEdge: hls.js's query form and dash.js's
// header form reach the edge's JSON access log (sid, cid, ot, br, bl, d,
// su, bs), the per-object-type metrics on the edge's registry and the
// per-session admin view; CMCD stays out of the cache key (one origin
// request for the segment whatever the CMCD) and out of the origin
// requests; on both front ends.
func TestCMCDFromPlayersThroughTheEdge(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newCMCDOrigin(t)
		e := newLogEdge(t, o.URL, LogJSON)
		// hls.js (query): the playlist at startup, then the segment.
		e.get(t, "GET", "/live/index.m3u8?"+hlsJSQuery(`cid="live1",mtp=25400,ot=m,sf=h,sid="p1",st=l,su,v=1`))
		e.get(t, "GET", "/live/seg_1.m4s?"+hlsJSQuery(`bl=21300,br=3200,cid="live1",d=4004,mtp=25400,ot=v,sf=h,sid="p1",st=l`))
		// The fill ends after its viewer's last byte: the next request is a hit, not coalesced.
		waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
		// dash.js (headers), buffer starved, bl=0: a present zero.
		e.get(t, "GET", "/live/seg_1.m4s", "CMCD-Object", "br=1600,d=4004,ot=v", "CMCD-Request", "bl=0,mtp=9000",
			"CMCD-Session", `cid="live1",sf=d,sid="p2",st=l`, "CMCD-Status", "bs")
		e.get(t, "GET", "/live/seg_1.m4s")                                      // no CMCD
		e.get(t, "GET", "/live/seg_1.m4s?"+hlsJSQuery(`br=fast,ot=v,sid="p1"`)) // a bad value: dropped, counted

		type line struct {
			URI   string    `json:"uri"`
			Cache string    `json:"cache"`
			CMCD  *cmcd.Log `json:"cmcd"`
		}
		var got []line
		for _, l := range e.lines(t, 5) {
			var rec line
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("%v: %s", err, l)
			}
			got = append(got, rec)
		}
		i64 := func(p *int64) int64 {
			if p == nil {
				return -1
			}
			return *p
		}
		if c := got[0].CMCD; c == nil || c.SID != "p1" || c.CID != "live1" || c.OT != "m" || !c.SU || c.BR != nil {
			t.Errorf("playlist request cmcd = %+v", c)
		}
		if c := got[1].CMCD; c == nil || c.SID != "p1" || c.OT != "v" || i64(c.BR) != 3200 || i64(c.BL) != 21300 || i64(c.D) != 4004 || c.SU || c.BS {
			t.Errorf("hls.js segment cmcd = %+v", c)
		}
		if c := got[2].CMCD; c == nil || c.SID != "p2" || c.OT != "v" || i64(c.BR) != 1600 || i64(c.BL) != 0 || !c.BS || got[2].Cache != resultHit {
			t.Errorf("dash.js segment: cache %s cmcd = %+v", got[2].Cache, c)
		}
		if got[3].CMCD != nil || strings.Contains(e.log.String(), `"cmcd":{}`) {
			t.Errorf("a request without CMCD logged %+v", got[3].CMCD)
		}
		if c := got[4].CMCD; c == nil || c.BR != nil || c.OT != "v" {
			t.Errorf("bad br: cmcd = %+v (want br dropped, the rest kept)", c)
		}

		if n := o.count("/live/seg_1.m4s"); n != 1 {
			t.Errorf("origin segment requests = %d, want 1 (CMCD is not in the key)", n)
		}
		for _, r := range o.requests() {
			if strings.Contains(r, "CMCD") || strings.TrimSpace(r) != strings.Fields(r)[0] {
				t.Errorf("CMCD reached the origin: %q", r)
			}
		}

		for _, tc := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"streamedge_cmcd_requests_total", []string{"ot", "v"}, 3},
			{"streamedge_cmcd_requests_total", []string{"ot", "m"}, 1},
			{"streamedge_cmcd_buffer_starvations_total", nil, 1},
			{"streamedge_cmcd_sessions", nil, 2},
			{"streamedge_cmcd_invalid_total", nil, 1},
		} {
			if got := gathered(t, e.reg, tc.name, tc.labels...); got != tc.want {
				t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
			}
		}

		admin := httptest.NewServer(e.h.CMCDSessions())
		defer admin.Close()
		var p2 cmcd.Session
		getJSON(t, admin.URL+"?sid=p2", &p2)
		if p2.Requests != 1 || p2.Starvations != 1 || p2.Format != "d" || p2.CID != "live1" || p2.LastBitrate != 1600 {
			t.Errorf("session p2 = %+v", p2)
		}
		var view struct {
			Sessions int            `json:"sessions"`
			List     []cmcd.Session `json:"list"`
		}
		getJSON(t, admin.URL, &view)
		if view.Sessions != 2 || len(view.List) != 2 || view.List[0].SID != "p1" || view.List[0].Requests != 3 ||
			view.List[0].ObjectTypes["m"] != 1 || view.List[0].ObjectTypes["v"] != 2 {
			t.Errorf("sessions view = %+v", view)
		}
	})
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestCMCDKeptOutOfPassThroughOriginRequests: a request the edge passes
// through with its own query (a POST) still sends the origin its query
// without the CMCD argument, the rest as sent.
func TestCMCDKeptOutOfPassThroughOriginRequests(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newCMCDOrigin(t)
		e := newLogEdge(t, o.URL, LogJSON)
		req, _ := http.NewRequest("POST", e.URL+"/api/beacon?b=2&"+hlsJSQuery(`ot=o,sid="p9"`)+"&a=%41", strings.NewReader("{}"))
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := o.requests(); len(got) != 1 || got[0] != "/api/beacon?b=2&a=%41 " {
			t.Errorf("origin saw %q, want the query without CMCD", got)
		}
		if got := gathered(t, e.reg, "streamedge_cmcd_requests_total", "ot", "o"); got != 1 {
			t.Errorf("pass-through CMCD not counted: %v", got)
		}
	})
}

// TestNoCMCDNoAllocation: reading CMCD costs a request without it no
// allocation, on either front end's request view (the hit path's budget).
func TestNoCMCDNoAllocation(t *testing.T) {
	o := newCMCDOrigin(t)
	e := newLogEdge(t, o.URL, LogJSON)
	r := httptest.NewRequest("GET", "/live/seg_1.m4s?a=1&b=2", nil)
	r.Header.Set("User-Agent", "hls.js")
	nx := &exchange{w: &countingWriter{}, r: &netRequest{r: r}}
	if n := testing.AllocsPerRun(200, func() { e.h.readCMCD(nx) }); n != 0 || nx.w.log != nil {
		t.Errorf("net/http: %v allocations without CMCD", n)
	}
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/live/seg_1.m4s?a=1&b=2")
	ctx.Request.Header.Set("User-Agent", "hls.js")
	var fr fastRequest
	fr.init(&ctx)
	fx := &exchange{w: &countingWriter{}, r: &fr}
	if n := testing.AllocsPerRun(200, func() { e.h.readCMCD(fx) }); n != 0 || fx.w.log != nil {
		t.Errorf("fasthttp: %v allocations without CMCD", n)
	}
}
