package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/streamedge/streamedge/signedurl"
)

// PublicKey is one trusted public key for signed URLs and signed cookies
// (CloudFront's public keys): a PEM "PUBLIC KEY" (RSA 2048+ or ECDSA P-256),
// inline or in a file, and the ID signers put in Key-Pair-Id.
type PublicKey struct {
	ID      string `yaml:"id"`       // Key-Pair-Id, such as K2JCJMDEHXQW5F; default the key's name
	PEM     string `yaml:"pem"`      // the PEM text; exactly one of pem and pem_file
	PEMFile string `yaml:"pem_file"` // a PEM file, relative to the configuration file's directory

	parsed signedurl.PublicKey // set by validation
}

// maxPEMFile bounds a pem_file read (a public key is under 1 KiB).
const maxPEMFile = 64 << 10

var keyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func (s *BehaviorSettings) signingDefaults() {
	if s.SignedManifests == nil {
		on := len(s.TrustedKeyGroups) > 0
		s.SignedManifests = &on
	}
}

// publicKeys parses every key (its PEM at the key's line) and checks IDs are
// unique.
func (v *validator) publicKeys() {
	ids := map[string]string{}
	for _, name := range sortedKeys(v.f.PublicKeys) {
		at, k := path{"public_keys", name}, v.f.PublicKeys[name]
		if !validName.MatchString(name) {
			v.add(at, "name %q: want 1-64 characters A-Z a-z 0-9 . _ - starting with a letter or digit", name)
		}
		if k == nil {
			v.add(at, "empty public key: pem or pem_file is required")
			continue
		}
		if k.ID == "" {
			k.ID = name
		}
		switch prev, dup := ids[k.ID]; {
		case !keyID.MatchString(k.ID):
			v.add(at.key("id"), "%q: want 1-128 characters A-Z a-z 0-9 _ - (the Key-Pair-Id signers send)", k.ID)
		case dup:
			v.add(at.key("id"), "id %q is already public_keys.%s's", k.ID, prev)
		}
		ids[k.ID] = name
		v.parseKey(at, k)
	}
}

func (v *validator) parseKey(at path, k *PublicKey) {
	var data []byte
	switch {
	case (k.PEM == "") == (k.PEMFile == ""):
		v.add(at, "exactly one of pem and pem_file is required")
		return
	case k.PEM != "":
		at, data = at.key("pem"), []byte(k.PEM)
	default:
		at = at.key("pem_file")
		b, err := readPEMFile(filepath.Join(v.dir, k.PEMFile))
		if err != nil {
			v.add(at, "%v", err)
			return
		}
		data = b
	}
	pk, err := signedurl.ParsePublicKeyPEM(k.ID, data)
	if err != nil {
		v.add(at, "%s", strings.TrimPrefix(err.Error(), "signedurl: "))
		return
	}
	k.parsed = pk
}

func readPEMFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPEMFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPEMFile {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a public key", name, maxPEMFile)
	}
	return b, nil
}

// keyGroups: named lists of known keys, none empty or repeated.
func (v *validator) keyGroups() {
	for _, name := range sortedKeys(v.f.KeyGroups) {
		at, keys := path{"key_groups", name}, v.f.KeyGroups[name]
		if !validName.MatchString(name) {
			v.add(at, "name %q: want 1-64 characters A-Z a-z 0-9 . _ - starting with a letter or digit", name)
		}
		if len(keys) == 0 {
			v.add(at, "empty key group: list at least one name from public_keys")
		}
		seen := map[string]bool{}
		for i, k := range keys {
			switch {
			case v.f.PublicKeys[k] == nil:
				v.add(at.idx(i), "unknown public key %q (known: %s)", k, orNone(sortedKeys(v.f.PublicKeys)))
			case seen[k]:
				v.add(at.idx(i), "%q is listed twice", k)
			}
			seen[k] = true
		}
	}
}

// signing checks a behavior's trusted_key_groups and signed_manifests.
func (v *validator) signing(at path, s *BehaviorSettings) {
	seen := map[string]bool{}
	for i, g := range s.TrustedKeyGroups {
		switch {
		case v.f.KeyGroups[g] == nil:
			v.add(at.key("trusted_key_groups").idx(i), "unknown key group %q (known: %s)", g, orNone(sortedKeys(v.f.KeyGroups)))
		case seen[g]:
			v.add(at.key("trusted_key_groups").idx(i), "%q is listed twice", g)
		}
		seen[g] = true
	}
	if s.SignedManifests != nil && *s.SignedManifests && len(s.TrustedKeyGroups) == 0 {
		v.add(at.key("signed_manifests"), "signed_manifests needs trusted_key_groups (it signs manifests for viewers whose signature was verified)")
	}
}

// Verifier is the signed-URL verifier of a behavior of f (after Load), or
// nil when the behavior trusts no key group: its paths are open.
func (f *File) Verifier(s *BehaviorSettings, opt signedurl.Options) (*signedurl.Verifier, error) {
	if len(s.TrustedKeyGroups) == 0 {
		return nil, nil
	}
	groups := make([]signedurl.KeyGroup, 0, len(s.TrustedKeyGroups))
	for _, name := range s.TrustedKeyGroups {
		g := signedurl.KeyGroup{Name: name}
		for _, k := range f.KeyGroups[name] {
			if pk := f.PublicKeys[k]; pk != nil {
				g.Keys = append(g.Keys, pk.parsed)
			}
		}
		groups = append(groups, g)
	}
	return signedurl.NewVerifier(groups, opt)
}
