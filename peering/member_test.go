package peering

import (
	"errors"
	"testing"
)

func TestParseMembersRefusesWhatIsNotAnEdgeURL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // IDs; nil for an error
	}{
		{"http://10.0.0.1:8080, http://10.0.0.2:8080=2", []string{"10.0.0.1:8080", "10.0.0.2:8080"}},
		{"http://Edge-A.pop1", []string{"edge-a.pop1:80"}},
		{"https://[::1]:8443/", []string{"[::1]:8443"}},
		{"http://a:8080/path", nil},
		{"http://a:8080?x=1", nil},
		{"http://u@a:8080", nil},
		{"ftp://a:21", nil},
		{"http://a:0", nil},
		{"http://a:8080=0", nil},
		{"http://a:8080=NaN", nil},
		{"http://a:8080,http://A:8080", nil},
	} {
		got, err := ParseMembers(tc.in)
		if tc.want == nil {
			if !errors.Is(err, ErrMember) {
				t.Errorf("ParseMembers(%q) = %v, %v; want an ErrMember", tc.in, got, err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Fatalf("ParseMembers(%q) = %v, %v", tc.in, got, err)
		}
		for i, id := range tc.want {
			if got[i].ID != id {
				t.Errorf("ParseMembers(%q)[%d] = %s, want %s", tc.in, i, got[i].ID, id)
			}
		}
	}
}

func TestParseDNS(t *testing.T) {
	if h, p, err := ParseDNS("edge-peers.pop1.svc.cluster.local:8080"); err != nil || h != "edge-peers.pop1.svc.cluster.local" || p != "8080" {
		t.Fatalf("ParseDNS = %q %q %v", h, p, err)
	}
	for _, bad := range []string{"", "name", "name:0", "na me:80", ":80", "a..b:80"} {
		if _, _, err := ParseDNS(bad); !errors.Is(err, ErrMember) {
			t.Errorf("ParseDNS(%q) = %v, want an ErrMember", bad, err)
		}
	}
}

// FuzzParseMembers: any -peers value parses to valid members or an error;
// each member's ID parses back to itself.
func FuzzParseMembers(f *testing.F) {
	for _, s := range []string{"http://10.0.0.1:8080,http://10.0.0.2:8080=2", "https://[::1]:8443/", "http://a=1e308", "http://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseMembers(s)
		if err != nil {
			if !errors.Is(err, ErrMember) {
				t.Fatalf("error %v is not an ErrMember", err)
			}
			return
		}
		for _, m := range ms {
			again, err := ParseMember(m.URL.String())
			if err != nil || again.ID != m.ID || !(m.Weight >= 0 && m.Weight <= MaxWeight) {
				t.Fatalf("member %+v does not parse back: %+v %v", m, again, err)
			}
		}
	})
}

// FuzzParseDNS: a -peer-dns value is a name and port or an error.
func FuzzParseDNS(f *testing.F) {
	f.Add("edge-peers.pop1.svc.cluster.local:8080")
	f.Add("[::1]:80")
	f.Fuzz(func(t *testing.T, s string) {
		h, p, err := ParseDNS(s)
		if err == nil && (!hostname(h) || p == "") {
			t.Fatalf("ParseDNS(%q) = %q %q", s, h, p)
		}
	})
}
