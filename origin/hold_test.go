package origin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// An LL-HLS origin holds a blocking reload or a preload-hint part until it
// exists: FillRequest.Hold raises the header and progress timeouts for that
// request only.
func TestHoldRaisesTheTimeoutsForOneRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond) // held before the headers
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond) // and between body bytes
		_, _ = io.WriteString(w, "part")
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c, err := New(Config{URL: u, ResponseHeaderTimeout: 100 * time.Millisecond, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Fetch(context.Background(), FillRequest{Target: "/p"}); !errors.Is(err, ErrTimeout) {
		t.Fatalf("without Hold: %v, want ErrTimeout", err)
	}
	resp, err := c.Fetch(context.Background(), FillRequest{Target: "/p", Hold: time.Second})
	if err != nil {
		t.Fatalf("with Hold: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "part" {
		t.Fatalf("with Hold: body %q, %v", body, err)
	}
	if _, err := c.Fetch(context.Background(), FillRequest{Target: "/p", Hold: 150 * time.Millisecond}); !errors.Is(err, ErrTimeout) {
		t.Fatalf("held longer than Hold: %v, want ErrTimeout", err)
	}
}
