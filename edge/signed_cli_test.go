package edge

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/awscli"
)

// TestAWSCLISignedURLsThroughTheEdge: URLs made by `aws cloudfront sign`
// (Debian's awscli 2.9) open a signed route's objects through the edge, the
// README's command line exactly; tampered ones are 403 without an origin
// request.
func TestAWSCLISignedURLsThroughTheEdge(t *testing.T) {
	awscli.Ensure(t)
	o := showOrigin(t)
	e := newSignedEdge(t, o.URL, true)
	trusted, _ := signingKeys(t)
	keyFile := filepath.Join(t.TempDir(), "private_key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(trusted)}), 0o600); err != nil {
		t.Fatal(err)
	}
	cliSign := func(u string, extra ...string) string {
		t.Helper()
		args := append([]string{"cloudfront", "sign", "--url", u, "--key-pair-id", trustedKeyID,
			"--private-key", "file://" + keyFile, "--date-less-than", time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z")}, extra...)
		out, err := awscli.Run(t, time.Minute, nil, args...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	canned := cliSign(e.URL + "/show/master.m3u8")
	custom := cliSign(e.URL+"/show/v1/seg0.m4s", "--ip-address", "127.0.0.1", "--date-greater-than", strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10))
	for _, u := range []string{canned, custom} {
		if r := e.fetchURL(t, u); r.status != http.StatusOK {
			t.Errorf("%s: %d %q, want 200", u, r.status, r.body)
		}
	}
	for _, u := range []string{strings.Replace(canned, "master.m3u8", "v1/index.m3u8", 1), strings.Replace(custom, "seg0", "seg1", 1), canned + "&x=1"} {
		if r := e.fetchURL(t, u); r.status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", u, r.status)
		}
	}
	if n := o.count("/show/v1/index.m3u8") + o.count("/show/v1/seg1.m4s"); n != 0 {
		t.Errorf("refused requests reached the origin %d times", n)
	}
}
