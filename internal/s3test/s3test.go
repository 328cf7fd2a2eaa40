// Package s3test runs a real S3-compatible server for tests: versitygw
// v1.8.0 with its posix backend, which checks SigV4. It is test support for
// the S3 origin (package origin) and the binary's -config tests; nothing in
// the request path imports it.
package s3test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// $VERSITYGW or a versitygw on $PATH is
// used when present; otherwise it is go-installed (through the module
// proxy) with GOBIN set to a directory of the user cache
// ($XDG_CACHE_HOME/streamedge/versitygw-v1.8.0, like Go's build cache, so
// later runs reuse it), and the tests skip only when that install fails.

// The gateway's fixed test credentials and names.
const (
	Version = "v1.8.0"
	Access  = "AKIASTREAMEDGETEST"
	Secret  = "streamedge-test-secret-key"
	Region  = "us-east-1"
	Domain  = "s3.test" // --virtual-domain: bucket.s3.test addresses a bucket
)

var gwBin struct {
	once sync.Once
	path string
	err  string
}

func binary(t testing.TB) string {
	t.Helper()
	gwBin.once.Do(func() {
		if p := os.Getenv("VERSITYGW"); p != "" {
			gwBin.path = p
			return
		}
		if p, err := exec.LookPath("versitygw"); err == nil {
			gwBin.path = p
			return
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "streamedge", "versitygw-"+Version)
		if _, err := os.Stat(filepath.Join(dir, "versitygw")); err == nil {
			gwBin.path = filepath.Join(dir, "versitygw")
			return
		}
		cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+Version)
		cmd.Env = append(os.Environ(), "GOBIN="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			gwBin.err = err.Error() + ": " + string(out)
			return
		}
		gwBin.path = filepath.Join(dir, "versitygw")
	})
	if gwBin.path == "" {
		t.Skipf("versitygw %s is not installed and `go install` failed: %s", Version, gwBin.err)
	}
	return gwBin.path
}

// Start runs the gateway on a loopback port over a temporary directory and
// returns its host:port; it is stopped when the test ends. The test is
// skipped when versitygw can be neither found nor installed.
func Start(t testing.TB) string {
	t.Helper()
	bin := binary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--access", Access, "--secret", Secret, "--region", Region,
		"--port", addr, "--virtual-domain", Domain, "posix", t.TempDir())
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not listen on %s: %v\n%s", addr, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Put sends a SigV4-signed PUT (CreateBucket for "/bucket", PutObject for
// "/bucket/key"), the way an uploader with the keys would.
func Put(t testing.TB, addr, path string, body []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://"+addr+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	req.URL.RawPath = escapePath(req.URL.Path)
	creds := aws.Credentials{AccessKeyID: Access, SecretAccessKey: Secret}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), creds, req, hash, "s3", Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		t.Fatalf("PUT %s: %s %s", path, resp.Status, b.String())
	}
}

// escapePath percent-encodes every byte but the unreserved ones and '/', as
// SigV4 canonical URIs for S3 do.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
