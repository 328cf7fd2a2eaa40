package signedurl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// MaxPolicyBytes bounds a decoded custom policy (CloudFront's URLs are at
// most 8 KiB, so a policy that fits in one is smaller than this).
const MaxPolicyBytes = 4 << 10

// ErrPolicy is wrapped by every policy parse error.
var ErrPolicy = errors.New("signedurl: invalid policy")

// Policy is one parsed custom policy: CloudFront allows exactly one statement.
type Policy struct {
	Resource        string       // "" when the statement has none (every object)
	HasResource     bool         //
	DateLessThan    int64        // Unix seconds; required
	DateGreaterThan int64        // Unix seconds; 0 when absent
	SourceIP        netip.Prefix // !IsValid() when absent; IPv4 only, as CloudFront
}

type rawPolicy struct {
	Statement json.RawMessage `json:"Statement"`
}

type rawStatement struct {
	Resource  *string       `json:"Resource"`
	Condition *rawCondition `json:"Condition"`
}

type rawCondition struct {
	DateLessThan    *rawEpoch `json:"DateLessThan"`
	DateGreaterThan *rawEpoch `json:"DateGreaterThan"`
	IPAddress       *rawIP    `json:"IpAddress"`
}

type rawEpoch struct {
	Seconds *int64 `json:"AWS:EpochTime"` // a bare JSON integer, never quoted
}

type rawIP struct {
	SourceIP *string `json:"AWS:SourceIp"`
}

// ParsePolicy parses a custom policy's JSON: at most MaxPolicyBytes, one
// statement (as an array of one, which every SDK writes, or as the object the
// Developer Guide shows), a required DateLessThan, no unknown keys (an
// unknown condition could be a restriction the signer meant, so it is not
// ignored), nothing after the object.
func ParsePolicy(b []byte) (*Policy, error) {
	if len(b) > MaxPolicyBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrPolicy, len(b))
	}
	var raw rawPolicy
	if err := decodeStrict(b, &raw); err != nil {
		return nil, err
	}
	st, err := oneStatement(raw.Statement)
	if err != nil {
		return nil, err
	}
	return st.policy()
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the policy", ErrPolicy)
	}
	return nil
}

func oneStatement(raw json.RawMessage) (*rawStatement, error) {
	raw = bytes.TrimSpace(raw)
	var sts []rawStatement
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if err := decodeStrict(raw, &sts); err != nil {
			return nil, err
		}
	case len(raw) > 0 && raw[0] == '{':
		sts = make([]rawStatement, 1)
		if err := decodeStrict(raw, &sts[0]); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: no Statement", ErrPolicy)
	}
	if len(sts) != 1 {
		return nil, fmt.Errorf("%w: %d statements, want 1", ErrPolicy, len(sts))
	}
	return &sts[0], nil
}

func (st *rawStatement) policy() (*Policy, error) {
	c := st.Condition
	if c == nil || c.DateLessThan == nil || c.DateLessThan.Seconds == nil {
		return nil, fmt.Errorf("%w: no DateLessThan", ErrPolicy)
	}
	p := &Policy{DateLessThan: *c.DateLessThan.Seconds}
	if st.Resource != nil {
		p.Resource, p.HasResource = *st.Resource, true
	}
	if g := c.DateGreaterThan; g != nil {
		if g.Seconds == nil {
			return nil, fmt.Errorf("%w: empty DateGreaterThan", ErrPolicy)
		}
		p.DateGreaterThan = *g.Seconds
	}
	if c.IPAddress != nil {
		if c.IPAddress.SourceIP == nil {
			return nil, fmt.Errorf("%w: empty IpAddress", ErrPolicy)
		}
		pfx, err := parseSourceIP(*c.IPAddress.SourceIP)
		if err != nil {
			return nil, err
		}
		p.SourceIP = pfx
	}
	return p, nil
}

// parseSourceIP reads "x.x.x.x" (one host, as botocore's "/32") or
// "x.x.x.x/n"; CloudFront's IP conditions are IPv4 only.
func parseSourceIP(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		s += "/32"
	}
	pfx, err := netip.ParsePrefix(s)
	if err != nil || !pfx.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%w: IpAddress %q", ErrPolicy, s)
	}
	return pfx.Masked(), nil
}
