package invalidation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Sign signs req, whose body is body, for this API as the aws CLI does
// (SigV4 with aws-sdk-go-v2's signer, service cloudfront, region
// us-east-1): the client side of what the API verifies, for the edge's own
// tools and tests that call an admin listener.
func Sign(ctx context.Context, req *http.Request, body, keyID, secret string, at time.Time) error {
	sum := sha256.Sum256([]byte(body))
	return v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), sigService, "us-east-1", at)
}
