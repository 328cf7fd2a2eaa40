package rewrite

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/dashlive"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

func fetch(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// uris lists the URIs the rewriter finds in body.
func uris(t *testing.T, f manifest.Format, body []byte) []string {
	t.Helper()
	var out []string
	if _, err := Manifest(f, body, func(u string) (string, bool) { out = append(out, u); return u, false }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTestOriginHLSRewrittenStillPlays walks the test origin's live fMP4
// HLS tree. Each playlist's URIs are first made absolute on the origin's
// host (as origins that write absolute URIs do), then rewritten by
// EdgeRelative and AppendQuery: every resulting URI is path-absolute and
// signed, the playlist parses as before, and every child it names answers
// 200 when resolved against the playlist's URL.
func TestTestOriginHLSRewrittenStillPlays(t *testing.T) {
	srv := httptest.NewServer(testorigin.New(testorigin.Options{}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	sign, err := AppendQuery("Expires=2000000000&Signature=abc~&Key-Pair-Id=K1", host)
	if err != nil {
		t.Fatal(err)
	}
	playlists, media := 0, 0
	queue := []string{srv.URL + "/live/hls_fmp4/master.m3u8"}
	for len(queue) > 0 {
		pu := queue[0]
		queue = queue[1:]
		status, body := fetch(t, pu)
		if status != 200 {
			t.Fatalf("GET %s = %d", pu, status)
		}
		base, _ := url.Parse(pu)
		absolute := func(u string) (string, bool) {
			ref, err := url.Parse(u)
			if err != nil {
				return u, false
			}
			return base.ResolveReference(ref).String(), true
		}
		out, err := HLS(body, Chain(absolute, EdgeRelative(host), sign))
		if err != nil {
			t.Fatal(err)
		}
		checkParsesAlike(t, manifest.HLS, body, out)
		playlists++
		children := uris(t, manifest.HLS, out)
		if len(children) == 0 {
			t.Fatalf("%s: no URIs", pu)
		}
		for i, c := range children {
			if !strings.HasPrefix(c, "/live/hls_fmp4/") || !strings.Contains(c, "Key-Pair-Id=K1") {
				t.Errorf("%s: rewritten URI %q", pu, c)
			}
			ref, _ := url.Parse(c)
			child := base.ResolveReference(ref).String()
			if strings.Contains(ref.Path, ".m3u8") {
				queue = append(queue, child)
			} else if i < 3 || i == len(children)-1 { // the map, the first and the newest segments
				if status, _ := fetch(t, child); status != 200 {
					t.Errorf("GET %s = %d", child, status)
				}
				media++
			}
		}
	}
	if playlists != 5 || media == 0 {
		t.Errorf("walked %d playlists, %d media objects", playlists, media)
	}
}

// TestTestOriginDASHRewrittenStillPlays signs the test origin's live MPD:
// UTCTiming (an absolute URL on the origin's own host) is untouched, and
// the segments dashlive computes from the rewritten MPD carry the
// signature and exist.
func TestTestOriginDASHRewrittenStillPlays(t *testing.T) {
	srv := httptest.NewServer(testorigin.New(testorigin.Options{}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	sign, _ := AppendQuery("Expires=2000000000&Signature=abc~&Key-Pair-Id=K1", host)
	_, body := fetch(t, srv.URL+"/live/dash/manifest.mpd")
	out, err := DASH(body, Chain(EdgeRelative(host), sign))
	if err != nil {
		t.Fatal(err)
	}
	checkParsesAlike(t, manifest.DASH, body, out)
	utc := `value="` + srv.URL + `/time"`
	if !strings.Contains(string(body), utc) || !strings.Contains(string(out), utc) {
		t.Fatalf("UTCTiming changed or missing:\n%s", out)
	}
	base, _ := url.Parse(srv.URL + "/live/dash/manifest.mpd")
	reps, err := dashlive.Segments(out, base, time.Now(), dashlive.Options{Window: 2})
	if err != nil || len(reps) == 0 {
		t.Fatalf("%d reps, %v", len(reps), err)
	}
	for _, r := range reps {
		for _, u := range append([]string{r.Init}, r.Available[0].URL, r.Available[1].URL) {
			if !strings.Contains(u, "Key-Pair-Id=K1") {
				t.Errorf("%s not signed", u)
			}
			if status, _ := fetch(t, u); status != 200 {
				t.Errorf("GET %s = %d", u, status)
			}
		}
	}
}
