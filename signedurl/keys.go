package signedurl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// ErrKey is wrapped by every public-key and key-group error.
var ErrKey = errors.New("signedurl: unusable public key")

// minRSABits is CloudFront's key size for signed URLs (RSA 2048).
const minRSABits = 2048

// PublicKey is one trusted public key: its ID (what Key-Pair-Id names, like
// CloudFront's "K2JCJMDEHXQW5F") and the key, RSA (2048 bits or more) or
// ECDSA P-256.
type PublicKey struct {
	ID  string
	Key crypto.PublicKey
}

// ParsePublicKeyPEM reads a PEM "PUBLIC KEY" (PKIX, what CloudFront's
// public-key API takes) or "RSA PUBLIC KEY" (PKCS #1) block.
func ParsePublicKeyPEM(id string, pemBytes []byte) (PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return PublicKey{}, fmt.Errorf("%w: key %q: no PEM block", ErrKey, id)
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		err = fmt.Errorf("PEM type %q", block.Type)
	}
	if err != nil { // x509's ASN.1 detail says nothing to the person who pasted the key
		return PublicKey{}, fmt.Errorf("%w: key %q: the %s block does not parse as a public key", ErrKey, id, block.Type)
	}
	pk := PublicKey{ID: id, Key: key}
	return pk, pk.check()
}

func (k PublicKey) check() error {
	if k.ID == "" {
		return fmt.Errorf("%w: empty key ID", ErrKey)
	}
	switch key := k.Key.(type) {
	case *rsa.PublicKey:
		if key.N.BitLen() < minRSABits {
			return fmt.Errorf("%w: key %q: RSA %d bits, want %d or more", ErrKey, k.ID, key.N.BitLen(), minRSABits)
		}
	case *ecdsa.PublicKey:
		if key.Curve != elliptic.P256() {
			return fmt.Errorf("%w: key %q: ECDSA curve %s, want P-256", ErrKey, k.ID, key.Curve.Params().Name)
		}
	default:
		return fmt.Errorf("%w: key %q: type %T, want RSA or ECDSA P-256", ErrKey, k.ID, k.Key)
	}
	return nil
}

// KeyGroup is a trusted key group: the public keys one set of signers holds.
type KeyGroup struct {
	Name string
	Keys []PublicKey
}

// keyIndex merges the groups a behavior trusts into Key-Pair-Id → key; one ID
// naming two different keys is a configuration error.
func keyIndex(groups []KeyGroup) (map[string]crypto.PublicKey, error) {
	idx := make(map[string]crypto.PublicKey)
	for _, g := range groups {
		for _, k := range g.Keys {
			if err := k.check(); err != nil {
				return nil, fmt.Errorf("key group %q: %w", g.Name, err)
			}
			if old, ok := idx[k.ID]; ok && !sameKey(old, k.Key) {
				return nil, fmt.Errorf("%w: key ID %q names two different keys", ErrKey, k.ID)
			}
			idx[k.ID] = k.Key
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("%w: no trusted keys", ErrKey)
	}
	return idx, nil
}

func sameKey(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}
