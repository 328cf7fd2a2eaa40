package origin

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/s3test"
)

var segment = []byte(strings.Repeat("\x47segment-bytes", 700)) // a TS-like body

// s3Fixture starts versitygw with bucket "media" holding two objects.
func s3Fixture(t *testing.T) string {
	addr := s3test.Start(t)
	s3test.Put(t, addr, "/media", nil)
	s3test.Put(t, addr, "/media/vod/seg_1.ts", segment)
	s3test.Put(t, addr, "/media/vod/a b+c(1).m3u8", []byte("#EXTM3U\n"))
	return addr
}

func newS3(t *testing.T, cfg S3Config) *Client {
	t.Helper()
	cfg.Bucket, cfg.Region = "media", s3test.Region
	cfg.Conn.Timeout, cfg.Conn.ResponseHeaderTimeout = 5*time.Second, 5*time.Second
	c, err := NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func fetchBody(t *testing.T, c *Client, fr FillRequest) (int, string) {
	t.Helper()
	resp, err := c.Fetch(context.Background(), fr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestS3SignedFetchFromRealServer: fills from a real S3 server (versitygw)
// are signed GetObject requests, path-style and virtual-hosted style; keys
// with characters S3 escapes are signed as S3 canonicalizes them; a Range
// continuation and a conditional refresh are signed too; the query string
// never reaches S3 (?acl would be another operation).
func TestS3SignedFetchFromRealServer(t *testing.T) {
	addr := s3Fixture(t)
	path := newS3(t, S3Config{Endpoint: &url.URL{Scheme: "http", Host: addr}, PathStyle: true, AccessKeyID: s3test.Access, SecretAccessKey: s3test.Secret})
	_, port, _ := net.SplitHostPort(addr)
	vhost := newS3(t, S3Config{Endpoint: &url.URL{Scheme: "http", Host: s3test.Domain + ":" + port}, AccessKeyID: s3test.Access, SecretAccessKey: s3test.Secret})
	var hosts []string
	dial := vhost.Transport().DialContext
	vhost.Transport().DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		hosts = append(hosts, a) // media.s3.test:port, resolved here to the gateway
		return dial(ctx, network, addr)
	}
	for name, c := range map[string]*Client{"path_style": path, "virtual_hosted": vhost} {
		t.Run(name, func(t *testing.T) {
			if code, body := fetchBody(t, c, FillRequest{Target: "/vod/seg_1.ts?acl&x=1"}); code != 200 || body != string(segment) {
				t.Fatalf("GET seg_1.ts: %d, %d bytes", code, len(body))
			}
			if code, body := fetchBody(t, c, FillRequest{Target: "/vod/a%20b+c%281%29.m3u8"}); code != 200 || body != "#EXTM3U\n" {
				t.Fatalf("GET escaped key: %d %q", code, body)
			}
			if code, body := fetchBody(t, c, FillRequest{Target: "/vod/seg_1.ts", Offset: 100}); code != http.StatusPartialContent || body != string(segment[100:]) {
				t.Fatalf("Range continuation: %d, %d bytes", code, len(body))
			}
			if code, _ := fetchBody(t, c, FillRequest{Target: "/vod/missing.ts"}); code != http.StatusNotFound {
				t.Fatalf("missing key: %d, want 404", code)
			}
		})
	}
	if len(hosts) == 0 || !strings.HasPrefix(hosts[0], "media."+s3test.Domain+":") {
		t.Errorf("virtual-hosted style dialed %v, want media.%s:port", hosts, s3test.Domain)
	}
}

// TestS3WrongSignatureRefused: the server checks the signature: a wrong
// secret and an unsigned request are refused with 403, so the passing test
// above proves the signing.
func TestS3WrongSignatureRefused(t *testing.T) {
	addr := s3Fixture(t)
	bad := newS3(t, S3Config{Endpoint: &url.URL{Scheme: "http", Host: addr}, PathStyle: true, AccessKeyID: s3test.Access, SecretAccessKey: "not-the-secret"})
	if code, body := fetchBody(t, bad, FillRequest{Target: "/vod/seg_1.ts"}); code != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: %d %q, want 403 SignatureDoesNotMatch", code, body)
	}
	plain := newClient(t, "http://"+addr+"/media", 5*time.Second)
	if code, _ := fetchBody(t, plain, FillRequest{Target: "/vod/seg_1.ts"}); code != http.StatusForbidden {
		t.Errorf("unsigned: %d, want 403", code)
	}
}

// TestS3CredentialsFromEnvironment: without keys in the configuration the
// standard AWS chain supplies them (here AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY); with none anywhere NewS3 fails at start-up.
func TestS3CredentialsFromEnvironment(t *testing.T) {
	addr := s3Fixture(t)
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", s3test.Access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.Secret)
	c := newS3(t, S3Config{Endpoint: &url.URL{Scheme: "http", Host: addr}, PathStyle: true})
	if code, body := fetchBody(t, c, FillRequest{Target: "/vod/seg_1.ts"}); code != 200 || body != string(segment) {
		t.Fatalf("GET with chain credentials: %d", code)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := NewS3(context.Background(), S3Config{Bucket: "media", Region: s3test.Region, Endpoint: &url.URL{Scheme: "http", Host: addr}, PathStyle: true})
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("NewS3 without credentials: %v", err)
	}
	if errors.Is(err, ErrTimeout) {
		t.Errorf("credentials error classified as a timeout: %v", err)
	}
}

// TestS3EscapePath: the canonical S3 escaping (unreserved characters and /
// kept, every other byte %XX upper-case).
func TestS3EscapePath(t *testing.T) {
	for in, want := range map[string]string{
		"/media/vod/seg_1.ts":   "/media/vod/seg_1.ts",
		"/media/a b+c(1).m3u8":  "/media/a%20b%2Bc%281%29.m3u8",
		"/media/é~x":            "/media/%C3%A9~x",
		"/media/k=v&x;y:z@w!'*": "/media/k%3Dv%26x%3By%3Az%40w%21%27%2A",
	} {
		if got := s3EscapePath(in); got != want {
			t.Errorf("s3EscapePath(%q) = %q, want %q", in, got, want)
		}
	}
}
