package invalidation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// errAuth is every authentication failure (the caller sees AccessDenied only).
var errAuth = errors.New("invalidation: request not authenticated")

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	sigService   = "cloudfront"
	amzDateForm  = "20060102T150405Z"
	maxClockSkew = 5 * time.Minute
)

// authenticator checks AWS Signature Version 4 by recomputing it: it rebuilds
// the request from the headers the client says it signed and signs that with
// aws-sdk-go-v2's v4 signer and the access key's secret; the client's
// SignedHeaders and Signature must come out identical.
type authenticator struct {
	secrets map[string]string // access key ID → secret access key
	region  string            // "" accepts the region of the credential scope
	now     func() time.Time
	signer  *v4.Signer
}

type sigParts struct {
	keyID, date, region, signedHeaders, signature string
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/cloudfront/aws4_request,
// SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (sigParts, error) {
	var p sigParts
	rest, ok := strings.CutPrefix(h, sigAlgorithm+" ")
	if !ok {
		return p, fmt.Errorf("%w: not %s", errAuth, sigAlgorithm)
	}
	var cred string
	for field := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(field), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			p.signedHeaders = v
		case "Signature":
			p.signature = v
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[3] != sigService || scope[4] != "aws4_request" || p.signedHeaders == "" || p.signature == "" {
		return p, fmt.Errorf("%w: malformed Authorization", errAuth)
	}
	p.keyID, p.date, p.region = scope[0], scope[1], scope[2]
	return p, nil
}

func (a *authenticator) check(ctx context.Context, r *http.Request, body []byte) error {
	p, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	secret, ok := a.secrets[p.keyID]
	if !ok || (a.region != "" && p.region != a.region) {
		return fmt.Errorf("%w: unknown access key or region", errAuth)
	}
	at, err := time.Parse(amzDateForm, r.Header.Get("X-Amz-Date"))
	if err != nil || at.Format("20060102") != p.date {
		return fmt.Errorf("%w: X-Amz-Date missing or not the credential date", errAuth)
	}
	if skew := a.now().Sub(at); skew > maxClockSkew || skew < -maxClockSkew {
		return fmt.Errorf("%w: clock skew %v", errAuth, skew)
	}
	replica, err := replicate(r, p.signedHeaders, len(body))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: p.keyID, SecretAccessKey: secret}
	if err := a.signer.SignHTTP(ctx, creds, replica, hex.EncodeToString(sum[:]), sigService, p.region, at); err != nil {
		return fmt.Errorf("%w: %w", errAuth, err)
	}
	want, err := parseAuthorization(replica.Header.Get("Authorization"))
	if err != nil || want.signedHeaders != p.signedHeaders ||
		!hmac.Equal([]byte(want.signature), []byte(p.signature)) {
		return fmt.Errorf("%w: signature does not match", errAuth)
	}
	return nil
}

// replicate returns a request with the method, target and host of r and only
// the headers r's signature covers, for the SDK signer to sign again.
func replicate(r *http.Request, signedHeaders string, bodyLen int) (*http.Request, error) {
	names := strings.Split(signedHeaders, ";")
	if !slices.IsSorted(names) || !slices.Contains(names, "host") || !slices.Contains(names, "x-amz-date") {
		return nil, fmt.Errorf("%w: SignedHeaders %q", errAuth, signedHeaders)
	}
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	replica := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	for _, name := range names {
		switch name {
		case "host", "x-amz-date": // the signer writes them
		case "content-length":
			replica.ContentLength = int64(bodyLen)
		default:
			vals := r.Header.Values(name)
			if len(vals) == 0 {
				return nil, fmt.Errorf("%w: signed header %q absent", errAuth, name)
			}
			replica.Header[http.CanonicalHeaderKey(name)] = vals
		}
	}
	return replica, nil
}
