package signedurl

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/awscli"
)

// `aws cloudfront sign` from Debian's awscli (2.9.x: RSA, SHA-1, canned
// unless --date-greater-than or --ip-address makes it custom) signs; the
// verifier accepts what it signs and refuses it elsewhere.
func TestAWSCLISignedURLs(t *testing.T) {
	awscli.Ensure(t)
	k := getKeys(t)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.rsaA)})
	if err := os.WriteFile(keyFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	cliSign := func(u string, extra ...string) string {
		t.Helper()
		args := append([]string{"cloudfront", "sign", "--url", u, "--key-pair-id", keyA,
			"--private-key", "file://" + keyFile, "--date-less-than", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}, extra...)
		out, err := awscli.Run(t, time.Minute, nil, args...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	past := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)
	soon := strconv.FormatInt(time.Now().Add(30*time.Minute).Unix(), 10)

	canned := cliSign(srv.URL + "/live/index.m3u8?color=red")
	if !strings.Contains(canned, "Expires=") {
		t.Fatalf("CLI made no canned URL: %s", canned)
	}
	get(t, canned).wantOK(t, "CLI canned")
	get(t, strings.Replace(canned, "index.m3u8", "other.m3u8", 1)).wantDenied(t, "CLI canned on another path", ReasonBadSignature)
	get(t, strings.Replace(canned, "color=red", "color=blue", 1)).wantDenied(t, "CLI canned tampered", ReasonBadSignature)

	custom := cliSign(srv.URL+"/live/index.m3u8", "--date-greater-than", past, "--ip-address", "127.0.0.1")
	if !strings.Contains(custom, "Policy=") {
		t.Fatalf("CLI made no custom URL: %s", custom)
	}
	get(t, custom).wantOK(t, "CLI custom with IP and start")
	withQuery := cliSign(srv.URL+"/live/a.ts?token=1", "--ip-address", "127.0.0.1/32")
	get(t, withQuery).wantOK(t, "CLI custom, resource with a plain query")
	get(t, strings.Replace(withQuery, "token=1", "token=2", 1)).wantDenied(t, "CLI custom, other query", ReasonResource)
	get(t, cliSign(srv.URL+"/live/a.ts", "--ip-address", "203.0.113.0/24")).wantDenied(t, "CLI custom wrong IP", ReasonIP)
	get(t, cliSign(srv.URL+"/live/a.ts", "--date-greater-than", soon)).wantDenied(t, "CLI custom not yet valid", ReasonNotYetValid)
	get(t, strings.Replace(custom, "index.m3u8", "x.m3u8", 1)).wantDenied(t, "CLI custom on another path", ReasonResource)
}
