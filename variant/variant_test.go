package variant

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestClass(t *testing.T) {
	tests := map[string]string{
		"":                   "",
		"gzip, deflate, br":  "br",
		"gzip":               "gzip",
		"br;q=0, gzip;q=0.5": "gzip",
		"identity":           "",
		"x-gzip":             "gzip",
		"*":                  "",
		"GZIP;q=1.0":         "gzip",
		"gzip;q=0":           "",
		"zstd":               "zstd",
		"zstd, gzip":         "zstd",
		"gzip, br, zstd":     "br",
		"zstd;q=0, gzip":     "gzip",
	}
	for in, want := range tests {
		if got := Class(in); got != want {
			t.Errorf("Class(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptableNeverHandsAClassACodingItDidNotAsk(t *testing.T) {
	tests := []struct {
		class, ce string
		want      bool
	}{
		{Identity, "", true}, {Identity, "identity", true}, {Identity, "gzip", false},
		{Gzip, "gzip", true}, {Gzip, "x-gzip", true}, {Gzip, "br", false}, {Gzip, "zstd", false},
		{Brotli, "br", true}, {Brotli, "gzip", true}, {Brotli, "zstd", false}, {Brotli, "gzip, br", true},
		{Brotli, "deflate", false},
		{Zstd, "zstd", true}, {Zstd, "", true}, {Zstd, "gzip", false}, {Zstd, "br", false}, {Identity, "zstd", false},
	}
	for _, tc := range tests {
		if got := Acceptable(tc.class, tc.ce); got != tc.want {
			t.Errorf("Acceptable(%q, %q) = %v, want %v", tc.class, tc.ce, got, tc.want)
		}
	}
}

func TestOfDecidesDimensions(t *testing.T) {
	tests := []struct {
		name string
		hdr  http.Header
		want Dims
		ok   bool
	}{
		{"none", http.Header{}, 0, true},
		{"vary_ae", http.Header{"Vary": {"accept-encoding"}}, AcceptEncoding, true},
		{"coded_without_vary", http.Header{"Content-Encoding": {"gzip"}}, AcceptEncoding, true},
		{"identity_coding", http.Header{"Content-Encoding": {"identity"}}, 0, true},
		{"vary_origin", http.Header{"Vary": {"Origin"}}, Origin, true},
		{"s3_cors", http.Header{"Vary": {"Origin, Access-Control-Request-Headers, Access-Control-Request-Method"}}, Origin, true},
		{"both_two_fields", http.Header{"Vary": {"Origin", "Accept-Encoding"}}, Origin | AcceptEncoding, true},
		{"acao_names_origin", http.Header{"Access-Control-Allow-Origin": {"https://a.example"}}, Origin, true},
		{"acao_star", http.Header{"Access-Control-Allow-Origin": {"*"}}, 0, true},
		{"vary_user_agent", http.Header{"Vary": {"Origin, User-Agent"}}, Origin, false},
		{"vary_star", http.Header{"Vary": {"*"}}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := Of(tc.hdr)
			if ok != tc.ok || (ok && d != tc.want) {
				t.Fatalf("Of = %v, %v; want %v, %v", d, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestAnnounceAddsVaryOnlyWhenMissing(t *testing.T) {
	h := http.Header{"Content-Encoding": {"gzip"}}
	Announce(h, AcceptEncoding)
	Announce(h, AcceptEncoding)
	if got := h.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
		t.Fatalf("Vary = %q", got)
	}
	h = http.Header{"Vary": {"Origin"}}
	Announce(h, Origin|AcceptEncoding)
	if got := strings.Join(h.Values("Vary"), ", "); got != "Origin, Accept-Encoding" {
		t.Fatalf("Vary = %q", got)
	}
}

func TestValidOrigin(t *testing.T) {
	good := []string{"https://a.example", "http://localhost:8080", "null", "https://[::1]:443", "http://10.0.0.1",
		"chrome-extension://abcdef"}
	bad := []string{"", "https://a.example/", "https://a.example/path", "a.example", "https://", "https://a b",
		"https://a.example:99999x", "https://user@a.example", "https://a.example?x", "https://a\nb",
		"https://" + strings.Repeat("a", MaxOriginLen), "https://[::1", "1http://a"}
	for _, s := range good {
		if !ValidOrigin(s) {
			t.Errorf("ValidOrigin(%q) = false", s)
		}
	}
	for _, s := range bad {
		if ValidOrigin(s) {
			t.Errorf("ValidOrigin(%q) = true", s)
		}
	}
}

func TestKeyKeepsEncodingOnlyFormAndSeparatesOrigins(t *testing.T) {
	ae := Request{Class: Gzip, OriginOK: true}
	if k, _ := Key("/a.m3u8", AcceptEncoding, ae); k != "/a.m3u8\x00ae=gzip" {
		t.Fatalf("encoding-only key %q changed: stored snapshots would miss", k)
	}
	a, _ := Key("/a", Origin, Request{Origin: "https://a.example", OriginOK: true})
	b, _ := Key("/a", Origin, Request{Origin: "https://b.example", OriginOK: true})
	none, _ := Key("/a", Origin, Request{OriginOK: true})
	if a == b || a == none || b == none {
		t.Fatalf("origin variants collide: %q %q %q", a, b, none)
	}
	if _, ok := Key("/a", Origin, Request{Origin: "bogus"}); ok {
		t.Fatal("an invalid Origin was keyed")
	}
	both, _ := Key("/a", Origin|AcceptEncoding, Request{Class: Brotli, Origin: "https://a.example", OriginOK: true})
	for k, want := range map[string]Dims{"/a": 0, a: Origin, both: Origin | AcceptEncoding, "/a\x00ae=": AcceptEncoding, "/b\x00ae=": 0} {
		if got := KeyedOn("/a", k); got != want {
			t.Errorf("KeyedOn(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestMarkerBoundsOrigins(t *testing.T) {
	var m Marker
	for i := range MaxOrigins {
		o := "https://o" + strings.Repeat("x", i) + ".example"
		if i == 0 {
			o = "" // absent Origin is a variant too
		}
		if ok, changed := m.Admit(Origin, Request{Origin: o, OriginOK: true}); !ok || !changed {
			t.Fatalf("origin %d not admitted", i)
		}
	}
	if ok, _ := m.Admit(Origin, Request{Origin: "https://late.example", OriginOK: true}); ok {
		t.Fatalf("origin %d admitted: the bound is %d", MaxOrigins+1, MaxOrigins)
	}
	if ok, changed := m.Admit(Origin, Request{OriginOK: true}); !ok || changed {
		t.Fatal("a known Origin (absent) must be admitted without a change")
	}
	got, ok := ReadMarker(m.Entry(time.Now()))
	if !ok || got.Dims != Origin || len(got.Origins) != MaxOrigins || got.Origins[0] != "" {
		t.Fatalf("round trip: %+v %v", got, ok)
	}
	if _, ok := got.Lookup("/a", Request{Origin: "https://late.example", OriginOK: true}); ok {
		t.Fatal("lookup keyed an Origin beyond the bound")
	}
	if k, ok := got.Lookup("/a", Request{OriginOK: true}); !ok || k != "/a\x00origin=" {
		t.Fatalf("lookup of the absent Origin: %q %v", k, ok)
	}
	if m.Admit(AcceptEncoding, Request{}); m.Dims != AcceptEncoding || m.Origins != nil {
		t.Fatalf("new dimensions must reset the marker: %+v", m)
	}
}

func TestLegacyMarkerIsEncodingOnly(t *testing.T) {
	m, ok := ReadMarker(Marker{}.Entry(time.Now()))
	if !ok {
		t.Fatal("not a marker")
	}
	e := Marker{}.Entry(time.Now())
	e.Body = nil
	if m, ok = ReadMarker(e); !ok || m.Dims != AcceptEncoding {
		t.Fatalf("legacy marker = %+v", m)
	}
}

func FuzzClass(f *testing.F) {
	for _, s := range []string{"gzip, deflate, br", "br;q=0, gzip;q=0.5", "*", "gzip;q=", ";;,,", "GZIP;Q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ae string) {
		switch c := Class(ae); c {
		case Identity, Gzip, Brotli, Zstd:
		default:
			t.Fatalf("Class(%q) = %q: a class outside br/zstd/gzip/identity would split the cache", ae, c)
		}
	})
}

// FuzzOriginVariant: whatever a client sends as Origin, a keyed value is a
// bounded valid origin without the marker's separator, and the marker bound
// holds.
func FuzzOriginVariant(f *testing.F) {
	for _, s := range []string{"https://a.example", "null", "https://[::1]:8443", "http://a:1/", "\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, o string) {
		req := Request{Origin: o, OriginOK: ValidOrigin(o)}
		k, ok := Key("/x", Origin, req)
		if !ok {
			return
		}
		_, host, _ := strings.Cut(o, "://")
		if len(o) > MaxOriginLen || strings.ContainsAny(host, "\n\x00 /?#@") || strings.ContainsAny(o, "\n\x00 ") {
			t.Fatalf("keyed an unbounded or malformed Origin %q as %q", o, k)
		}
		m := Marker{Dims: Origin, Origins: []string{"https://a.example"}}
		m.Admit(Origin, req)
		got, _ := ReadMarker(m.Entry(time.Time{}))
		if len(got.Origins) != len(m.Origins) || got.Origins[len(got.Origins)-1] != m.Origins[len(m.Origins)-1] {
			t.Fatalf("marker round trip lost %q: %q", o, got.Origins)
		}
	})
}

func FuzzParseVary(f *testing.F) {
	for _, s := range []string{"Accept-Encoding", "Origin, accept-encoding", "*", ",,", "Origin, User-Agent"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseVary([]string{v})
		if d&^(AcceptEncoding|Origin) != 0 {
			t.Fatalf("ParseVary(%q) = %v", v, d)
		}
		if ok && strings.Contains(v, "*") {
			t.Fatalf("Vary %q with * accepted", v)
		}
	})
}

// TestFillAcceptEncodingAsksOnlyWhatTheClassReads: a fill asks the origin
// for no coding its class could not be served as is.
func TestFillAcceptEncodingAsksOnlyWhatTheClassReads(t *testing.T) {
	for class, want := range map[string]string{Identity: "identity", Gzip: "gzip", Brotli: "br, gzip", Zstd: "zstd"} {
		got := FillAcceptEncoding(class)
		if got != want {
			t.Errorf("FillAcceptEncoding(%q) = %q, want %q", class, got, want)
		}
		for c := range strings.SplitSeq(got, ",") {
			if c = strings.TrimSpace(c); c != "identity" && !Acceptable(class, c) {
				t.Errorf("class %q asks for %q it cannot read", class, c)
			}
		}
	}
}
