package origin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// S3Config is an S3 bucket (or an S3-compatible server) as an origin.
type S3Config struct {
	Bucket   string
	Region   string   // the SigV4 scope
	Endpoint *url.URL // scheme://host[:port]; nil: https://s3.<Region>.amazonaws.com
	// PathStyle addresses endpoint/bucket/key; otherwise virtual-hosted
	// style, bucket.endpoint/key.
	PathStyle bool
	// Static keys; with both empty the standard AWS chain (environment,
	// shared config and credentials files, container and instance roles)
	// supplies them.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Conn holds the timeouts and limits (its URL is derived and ignored).
	Conn Config
}

// emptySHA256 is the payload hash of a request without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// NewS3 builds a Client whose fills are S3 GetObject requests signed with
// SigV4 by the AWS SDK's signer. The fill's path is the object key, the
// query string is dropped (S3 subresources such as ?acl are never reachable
// through the edge). Credentials are retrieved once here, so a missing key
// fails at start-up rather than on the first fill.
//
// Only fills are signed: an S3 origin serves GET (and HEAD) behaviors, not
// pass-through methods.
func NewS3(ctx context.Context, cfg S3Config) (*Client, error) {
	if cfg.Bucket == "" || cfg.Region == "" {
		return nil, fmt.Errorf("S3 origin needs a bucket and a region")
	}
	ep := cfg.Endpoint
	if ep == nil {
		ep = &url.URL{Scheme: "https", Host: "s3." + cfg.Region + ".amazonaws.com"}
	}
	base := &url.URL{Scheme: ep.Scheme, Host: ep.Host, Path: "/" + cfg.Bucket}
	if !cfg.PathStyle {
		base = &url.URL{Scheme: ep.Scheme, Host: cfg.Bucket + "." + ep.Host}
	}
	conn := cfg.Conn
	conn.URL = base
	c, err := New(conn)
	if err != nil {
		return nil, err
	}
	creds, err := s3Credentials(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := creds.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("S3 origin %s: no AWS credentials: %w", cfg.Bucket, err)
	}
	s := &s3Signer{creds: creds, region: cfg.Region, now: time.Now,
		signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })}
	c.prepare = s.sign
	return c, nil
}

func s3Credentials(ctx context.Context, cfg S3Config) (aws.CredentialsProvider, error) {
	if cfg.AccessKeyID != "" || cfg.SecretAccessKey != "" {
		return aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)), nil
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		return nil, fmt.Errorf("S3 origin %s: AWS configuration: %w", cfg.Bucket, err)
	}
	return ac.Credentials, nil
}

type s3Signer struct {
	signer *v4.Signer
	creds  aws.CredentialsProvider
	region string
	now    func() time.Time
}

// sign turns a fill request into a signed GetObject: no query, the key
// escaped the way S3 canonicalizes it, then SigV4 over the headers.
func (s *s3Signer) sign(req *http.Request) error {
	req.URL.RawQuery, req.URL.ForceQuery = "", false
	req.URL.RawPath = s3EscapePath(req.URL.Path)
	creds, err := s.creds.Retrieve(req.Context())
	if err != nil {
		return fmt.Errorf("AWS credentials: %w", err)
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	return s.signer.SignHTTP(req.Context(), creds, req, emptySHA256, "s3", s.region, s.now())
}

// s3EscapePath percent-encodes every byte of each path segment but the
// unreserved ones (A-Z a-z 0-9 - . _ ~), as SigV4 canonical URIs for S3 do,
// so the path on the wire and the one signed are the same string.
func s3EscapePath(p string) string {
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
