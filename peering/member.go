package peering

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Member is one edge of the POP.
type Member struct {
	// ID is the member's host:port (its edge listener): what rendezvous
	// hashing scores and what its peer fills carry in origin.PeerHeader.
	ID     string
	URL    *url.URL // scheme://host:port, no path
	Weight float64  // its share of the keys; 0 is 1
}

func (m Member) hash() uint64 { return hashString(m.ID) }

func (m Member) weight() float64 {
	if m.Weight <= 0 {
		return 1
	}
	return m.Weight
}

// Bounds of what a member list may hold.
const (
	MaxMembers = 256
	MaxWeight  = 1000
)

// ErrMember is wrapped by every error of a member's description.
var ErrMember = errors.New("peering: bad member")

// ParseMember reads a member's edge URL: http(s)://host[:port] with no
// path, query, fragment or user; the port defaults to the scheme's.
func ParseMember(s string) (Member, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Member{}, fmt.Errorf("%w %q: %w", ErrMember, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" || u.User != nil ||
		u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return Member{}, fmt.Errorf("%w %q: want http(s)://host[:port] (an edge listener, no path)", ErrMember, s)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return Member{}, fmt.Errorf("%w %q: bad port", ErrMember, s)
	}
	id := net.JoinHostPort(strings.ToLower(u.Hostname()), port)
	return Member{ID: id, URL: &url.URL{Scheme: u.Scheme, Host: id}}, nil
}

// ParseMembers reads a comma-separated list of member URLs (the -peers
// flag), each optionally followed by "=weight".
func ParseMembers(s string) ([]Member, error) {
	var out []Member
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		u, w, hasW := strings.Cut(item, "=")
		m, err := ParseMember(u)
		if err != nil {
			return nil, err
		}
		if hasW {
			if m.Weight, err = ParseWeight(w); err != nil {
				return nil, fmt.Errorf("%w %q: %w", ErrMember, item, err)
			}
		}
		if seen[m.ID] {
			return nil, fmt.Errorf("%w %q: listed twice", ErrMember, m.ID)
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	if len(out) > MaxMembers {
		return nil, fmt.Errorf("%w: %d members, at most %d", ErrMember, len(out), MaxMembers)
	}
	return out, nil
}

// ParseWeight reads a member's weight: a number in (0, MaxWeight].
func ParseWeight(s string) (float64, error) {
	w, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(w > 0 && w <= MaxWeight) {
		return 0, fmt.Errorf("weight %q: want a number in (0, %d]", s, MaxWeight)
	}
	return w, nil
}

// ParseDNS reads a headless Service's name and the members' edge port:
// "name:port".
func ParseDNS(s string) (host, port string, err error) {
	host, port, err = net.SplitHostPort(s)
	if err != nil {
		return "", "", fmt.Errorf("%w: dns %q: want name:port: %w", ErrMember, s, err)
	}
	if n, perr := strconv.Atoi(port); perr != nil || n < 1 || n > 65535 {
		return "", "", fmt.Errorf("%w: dns %q: bad port", ErrMember, s)
	}
	if !hostname(host) {
		return "", "", fmt.Errorf("%w: dns %q: bad name", ErrMember, s)
	}
	return strings.ToLower(host), port, nil
}

// hostname reports a DNS name of letters, digits, '-' and '.' labels.
func hostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
