package origin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/failure"
)

func newClient(t *testing.T, rawURL string, timeout time.Duration) *Client {
	t.Helper()
	u, _ := url.Parse(rawURL)
	c, err := New(Config{URL: u, Timeout: timeout, ResponseHeaderTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestFetchSendsOnlyWhatTheEdgeChooses(t *testing.T) {
	var got *http.Request
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r }))
	defer o.Close()
	c := newClient(t, o.URL+"/base/", time.Second)
	tests := []struct {
		name string
		fr   FillRequest
		want map[string]string
		uri  string
	}{
		{"plain", FillRequest{Target: "/live/a.ts?x=1"},
			map[string]string{"Accept-Encoding": "identity", "Via": "1.1 streamedge", "User-Agent": "streamedge", "If-None-Match": "", "Origin": ""}, "/base/live/a.ts?x=1"},
		{"origin_forwarded", FillRequest{Target: "/cors.m3u8", Origin: "https://a.example"}, map[string]string{"Origin": "https://a.example"}, "/base/cors.m3u8"},
		{"gzip_class", FillRequest{Target: "/t.txt", AcceptEncoding: "gzip"}, map[string]string{"Accept-Encoding": "gzip"}, "/base/t.txt"},
		{"br_class", FillRequest{Target: "/t.txt", AcceptEncoding: "br"}, map[string]string{"Accept-Encoding": "br, gzip"}, "/base/t.txt"},
		{"conditional", FillRequest{Target: "/c", ETag: `"v1"`, LastModified: "Wed, 21 Oct 2015 07:28:00 GMT"},
			map[string]string{"If-None-Match": `"v1"`, "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT"}, "/base/c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.Fetch(context.Background(), tc.fr)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got.URL.RequestURI() != tc.uri {
				t.Fatalf("URI %q, want %q", got.URL.RequestURI(), tc.uri)
			}
			for k, v := range tc.want {
				if got.Header.Get(k) != v {
					t.Fatalf("%s = %q, want %q", k, got.Header.Get(k), v)
				}
			}
			if got.Header.Get("Range") != "" || got.Header.Get("Cookie") != "" {
				t.Fatal("a fill forwarded Range or Cookie")
			}
		})
	}
}

func TestFetchErrorsAreClassified(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	_, err := newClient(t, slow.URL, 200*time.Millisecond).Fetch(context.Background(), FillRequest{Target: "/x"})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow origin: %v, want ErrTimeout", err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = newClient(t, dead.URL, time.Second).Fetch(context.Background(), FillRequest{Target: "/x"})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("dead origin: %v, want ErrUnreachable", err)
	}
	if err := newClient(t, dead.URL, time.Second).Ping(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("ping dead origin: %v", err)
	}
	if c := failure.Classify(err); c.Status != 502 || c.Label != "unreachable" {
		t.Fatalf("failure.Classify: %+v", c)
	}
}

func TestNewRefusesBadURLs(t *testing.T) {
	for _, raw := range []string{"ftp://x", "http://", "/relative"} {
		u, _ := url.Parse(raw)
		if _, err := New(Config{URL: u}); err == nil {
			t.Errorf("New(%q) accepted", raw)
		}
	}
}

func TestPassThroughHygiene(t *testing.T) {
	var got *http.Request
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Connection", "X-Hop")
		w.Header().Set("X-Hop", "secret")
		w.Header().Set("Set-Cookie", "s=1")
		io.WriteString(w, "posted")
	}))
	defer o.Close()
	c := newClient(t, o.URL, time.Second)
	edge := httptest.NewServer(c.PassThrough(nil, nil))
	defer edge.Close()
	req, _ := http.NewRequest("POST", edge.URL+"/api?q=1", strings.NewReader("body"))
	req.Header.Set("Connection", "X-Client-Hop")
	req.Header.Set("X-Client-Hop", "x")
	req.Header.Set("Cookie", "c=1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "posted" || resp.Header.Get("X-Hop") != "" || resp.Header.Get("Set-Cookie") != "s=1" {
		t.Fatalf("response: %q %v", b, resp.Header)
	}
	if got.Header.Get("X-Client-Hop") != "" || got.Header.Get("X-Forwarded-For") == "" ||
		!strings.Contains(got.Header.Get("Via"), "streamedge") || got.Header.Get("Cookie") != "c=1" || got.URL.RawQuery != "q=1" {
		t.Fatalf("origin saw %v %q", got.Header, got.URL.RawQuery)
	}
}

func TestPassThroughFailures(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	edge := httptest.NewServer(newClient(t, dead.URL, time.Second).PassThrough(nil, nil))
	defer edge.Close()
	resp, err := http.Post(edge.URL+"/x", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || strings.Count(string(b), "\n") != 1 {
		t.Fatalf("dead origin: %d %q", resp.StatusCode, b)
	}
}
