package origin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// TestFillSendsViewerHeaders: FillRequest.Header (the headers and cookies a
// behavior's policies forward) reaches the origin; add_headers replace a
// same-named viewer header; a forwarded User-Agent replaces the edge's.
func TestFillSendsViewerHeaders(t *testing.T) {
	got := make(chan http.Header, 2)
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.Header.Clone() }))
	defer o.Close()
	u, _ := url.Parse(o.URL)
	c, err := New(Config{URL: u, Timeout: time.Second, UserAgent: "streamedge", AddHeaders: http.Header{"X-Origin-Verify": {"s3cret"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fetch := func(h http.Header) http.Header {
		resp, err := c.Fetch(context.Background(), FillRequest{Target: "/a.ts", Header: h})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return <-got
	}
	h := fetch(http.Header{"X-Device": {"tv"}, "Cookie": {"s=1"}, "X-Origin-Verify": {"forged"}, "User-Agent": {"player/1"}})
	for k, want := range map[string]string{"X-Device": "tv", "Cookie": "s=1", "X-Origin-Verify": "s3cret", "User-Agent": "player/1"} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	if ua := fetch(nil).Get("User-Agent"); ua != "streamedge" {
		t.Errorf("without a forwarded User-Agent the fill sent %q", ua)
	}
}
