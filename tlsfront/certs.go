package tlsfront

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Pair names one certificate chain and its private key, both PEM files.
type Pair struct {
	CertFile, KeyFile string
}

// Certs is the set of certificates the TLS front end serves, swapped whole on
// Reload. Its methods are safe for concurrent use.
type Certs struct {
	pairs []Pair
	now   func() time.Time
	cur   atomic.Pointer[certSet]
}

// certSet is one loaded generation of the pairs.
type certSet struct {
	def    *tls.Certificate            // the first pair: no SNI, or no name matches
	exact  map[string]*tls.Certificate // DNS names, lower case
	wild   map[string]*tls.Certificate // "*.example.com" under "example.com"
	expiry time.Time                   // the earliest NotAfter of the set
}

// ErrNoPairs is returned by LoadCerts without any pair.
var ErrNoPairs = errors.New("no certificate/key pair")

// LoadCerts reads every pair; any unreadable, mismatched or expired pair is
// an error naming it.
func LoadCerts(pairs []Pair) (*Certs, error) {
	if len(pairs) == 0 {
		return nil, ErrNoPairs
	}
	c := &Certs{pairs: pairs, now: time.Now}
	s, err := c.load()
	if err != nil {
		return nil, err
	}
	c.cur.Store(s)
	return c, nil
}

// Reload reads every pair again and serves them from the next handshake on.
// On error nothing changes: the current set keeps serving.
func (c *Certs) Reload() error {
	s, err := c.load()
	if err != nil {
		return err
	}
	c.cur.Store(s)
	return nil
}

// Expiry is when the first certificate of the set served now expires.
func (c *Certs) Expiry() time.Time { return c.cur.Load().expiry }

func (c *Certs) load() (*certSet, error) {
	s := &certSet{exact: map[string]*tls.Certificate{}, wild: map[string]*tls.Certificate{}}
	for _, p := range c.pairs {
		crt, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("certificate %s, key %s: %w", p.CertFile, p.KeyFile, err)
		}
		if crt.Leaf == nil { // only with GODEBUG=x509keypairleaf=0
			if crt.Leaf, err = x509.ParseCertificate(crt.Certificate[0]); err != nil {
				return nil, fmt.Errorf("certificate %s: %w", p.CertFile, err)
			}
		}
		if na := crt.Leaf.NotAfter; c.now().After(na) {
			return nil, fmt.Errorf("certificate %s: expired at %s", p.CertFile, na.UTC().Format(time.RFC3339))
		}
		s.add(&crt)
	}
	return s, nil
}

// add indexes crt by its DNS names; the first certificate to claim a name
// keeps it.
func (s *certSet) add(crt *tls.Certificate) {
	if s.def == nil {
		s.def = crt
	}
	if s.expiry.IsZero() || crt.Leaf.NotAfter.Before(s.expiry) {
		s.expiry = crt.Leaf.NotAfter
	}
	for _, n := range crt.Leaf.DNSNames {
		n = strings.ToLower(n)
		m := s.exact
		if parent, ok := strings.CutPrefix(n, "*."); ok {
			m, n = s.wild, parent
		}
		if _, taken := m[n]; !taken {
			m[n] = crt
		}
	}
}

// GetCertificate picks the certificate for a handshake: an exact name, then a
// wildcard one label up, then the default.
func (c *Certs) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cur.Load().pick(hello.ServerName), nil
}

func (s *certSet) pick(name string) *tls.Certificate {
	if name == "" {
		return s.def
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if crt, ok := s.exact[name]; ok {
		return crt
	}
	if _, parent, ok := strings.Cut(name, "."); ok {
		if crt, ok := s.wild[parent]; ok {
			return crt
		}
	}
	return s.def
}
