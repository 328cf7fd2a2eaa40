package origin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// TestAddHeadersOnFillsAndPassThrough: Config.AddHeaders (edge.yaml's
// origins.*.add_headers) reach the origin on fills and on pass-through
// requests, and a client cannot replace them on pass-through.
func TestAddHeadersOnFillsAndPassThrough(t *testing.T) {
	got := make(chan string, 2)
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.Header.Get("X-Origin-Verify") }))
	defer o.Close()
	u, _ := url.Parse(o.URL)
	c, err := New(Config{URL: u, Timeout: time.Second, AddHeaders: http.Header{"X-Origin-Verify": {"s3cret"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.Fetch(context.Background(), FillRequest{Target: "/a.ts"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := <-got; v != "s3cret" {
		t.Errorf("fill carried %q", v)
	}
	edge := httptest.NewServer(c.PassThrough(slog.New(slog.DiscardHandler), nil))
	defer edge.Close()
	req, _ := http.NewRequest(http.MethodPost, edge.URL+"/upload", nil)
	req.Header.Set("X-Origin-Verify", "forged")
	presp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, presp.Body)
	presp.Body.Close()
	if v := <-got; v != "s3cret" {
		t.Errorf("pass-through carried %q", v)
	}
}
