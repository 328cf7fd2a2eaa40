package distribution

import (
	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/signedurl"
)

// signing is a behavior's signed-URL requirement: nil when it trusts no key
// group. The edge counts the verifications (streamedge_signed_url_verifications_total).
func signing(f *config.File, b *config.BehaviorSettings) (*edge.Signing, error) {
	v, err := f.Verifier(b, signedurl.Options{})
	if err != nil || v == nil {
		return nil, err
	}
	return &edge.Signing{Verifier: v, Manifests: b.SignedManifests != nil && *b.SignedManifests}, nil
}
