package origin

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
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The S3 tests run a real S3-compatible server: versitygw v1.8.0 with its
// posix backend, which checks SigV4. $VERSITYGW or a versitygw on $PATH is
// used when present; otherwise it is go-installed (through the module
// proxy) with GOBIN set to a directory of the user cache
// ($XDG_CACHE_HOME/streamedge/versitygw-v1.8.0, like Go's build cache, so
// later runs reuse it), and the tests skip only when that install fails.

const (
	gwVersion = "v1.8.0"
	gwAccess  = "AKIASTREAMEDGETEST"
	gwSecret  = "streamedge-test-secret-key"
	gwRegion  = "us-east-1"
	gwDomain  = "s3.test" // --virtual-domain: bucket.s3.test addresses a bucket
)

var gwBin struct {
	once sync.Once
	path string
	err  string
}

func versitygwBinary(t *testing.T) string {
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
		dir := filepath.Join(cache, "streamedge", "versitygw-"+gwVersion)
		if _, err := os.Stat(filepath.Join(dir, "versitygw")); err == nil {
			gwBin.path = filepath.Join(dir, "versitygw")
			return
		}
		cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+gwVersion)
		cmd.Env = append(os.Environ(), "GOBIN="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			gwBin.err = err.Error() + ": " + string(out)
			return
		}
		gwBin.path = filepath.Join(dir, "versitygw")
	})
	if gwBin.path == "" {
		t.Skipf("versitygw %s is not installed and `go install` failed: %s", gwVersion, gwBin.err)
	}
	return gwBin.path
}

// startVersitygw runs the gateway on a loopback port over a temporary
// directory and returns its host:port; it is stopped when the test ends.
func startVersitygw(t *testing.T) string {
	t.Helper()
	bin := versitygwBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--access", gwAccess, "--secret", gwSecret, "--region", gwRegion,
		"--port", addr, "--virtual-domain", gwDomain, "posix", t.TempDir())
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

// s3Put sends a SigV4-signed PUT (CreateBucket for "/bucket", PutObject for
// "/bucket/key"), the way an uploader with the keys would.
func s3Put(t *testing.T, addr, path string, body []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://"+addr+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	req.URL.RawPath = s3EscapePath(req.URL.Path)
	creds := aws.Credentials{AccessKeyID: gwAccess, SecretAccessKey: gwSecret}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), creds, req, hash, "s3", gwRegion, time.Now()); err != nil {
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
