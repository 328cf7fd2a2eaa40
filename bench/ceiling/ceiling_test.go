package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestCeilingsServeTheSameResponses: both ceilings answer the same objects
// with the same status, type, length and bytes (1 KiB and 2 MiB), 404 for
// anything else, and no body for HEAD.
func TestCeilingsServeTheSameResponses(t *testing.T) {
	objects := map[string]object{}
	for path, size := range map[string]int{"/p.m3u8": 1 << 10, "/s.ts": 2 << 20} {
		b := bytes.Repeat([]byte{byte(size)}, size)
		objects[path] = object{b, "video/mp2t", strconv.Itoa(size)}
	}
	netLn, fastLn := listen(t), listen(t)
	go func() { _ = http.Serve(netLn, netHTTPHandler(objects)) }()
	go func() { _ = fasthttp.Serve(fastLn, fastHandler(objects)) }()
	for _, base := range []string{"http://" + netLn.Addr().String(), "http://" + fastLn.Addr().String()} {
		for path, o := range objects {
			resp, body := get(t, http.MethodGet, base+path)
			if resp.StatusCode != 200 || !bytes.Equal(body, o.body) ||
				resp.Header.Get("Content-Type") != o.contentType || resp.ContentLength != int64(len(o.body)) {
				t.Errorf("%s%s: %d %q len %d, %d body bytes", base, path, resp.StatusCode,
					resp.Header.Get("Content-Type"), resp.ContentLength, len(body))
			}
			resp, body = get(t, http.MethodHead, base+path)
			if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != int64(len(o.body)) {
				t.Errorf("HEAD %s%s: %d len %d, %d body bytes", base, path, resp.StatusCode, resp.ContentLength, len(body))
			}
		}
		if resp, _ := get(t, http.MethodGet, base+"/nope"); resp.StatusCode != 404 {
			t.Errorf("%s/nope: %d, want 404", base, resp.StatusCode)
		}
	}
}

func listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln
}

func get(t *testing.T, method, url string) (*http.Response, []byte) {
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
