package rewrite

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestEdgeRelativeOnlyTouchesOriginHosts(t *testing.T) {
	m := EdgeRelative("origin.example.com", "origin2:8080")
	for _, tc := range []struct{ in, want string }{
		{"https://origin.example.com/a/b.ts", "/a/b.ts"},
		{"http://Origin.Example.com:80/a.ts?x=1#f", "/a.ts?x=1#f"},
		{"https://origin.example.com:443/a.ts", "/a.ts"},
		{"https://origin.example.com", "/"},
		{"https://origin.example.com?q=1", "/?q=1"},
		{"//origin.example.com/a.ts", "/a.ts"},
		{"http://origin2:8080/live/$Number%05d$.m4s", "/live/$Number%05d$.m4s"},
		{"http://origin.example.com:8080/a.ts", "http://origin.example.com:8080/a.ts"},       // other port
		{"https://origin.example.com:80/a.ts", "https://origin.example.com:80/a.ts"},         // not https's default port
		{"http://user:pw@origin.example.com/a.ts", "http://user:pw@origin.example.com/a.ts"}, // credentials kept as they are
		{"https://cdn.example.net/a.ts", "https://cdn.example.net/a.ts"},
		{"https://origin.example.com.evil.net/a.ts", "https://origin.example.com.evil.net/a.ts"},
		{"skd://origin.example.com/key", "skd://origin.example.com/key"},
		{"data:text/plain,origin.example.com", "data:text/plain,origin.example.com"},
		{"seg1.ts", "seg1.ts"},
		{"/abs/seg1.ts", "/abs/seg1.ts"},
	} {
		got, changed := m(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("EdgeRelative(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
	}
}

func TestAppendQueryRespectsQueriesFragmentsAndHosts(t *testing.T) {
	m, err := AppendQuery("?sig=1&kid=a$b", "origin.example.com")
	if err != nil {
		t.Fatal(err)
	}
	const q = "sig=1&kid=a%24b"
	for _, tc := range []struct{ in, want string }{
		{"seg.ts", "seg.ts?" + q},
		{"seg.ts?a=1", "seg.ts?a=1&" + q},
		{"seg.ts?", "seg.ts?" + q},
		{"seg.ts?a=1&", "seg.ts?a=1&" + q},
		{"seg.ts#t=3", "seg.ts?" + q + "#t=3"},
		{"seg.ts?a=1#t=3", "seg.ts?a=1&" + q + "#t=3"},
		{"../v/$Number%05d$.m4s", "../v/$Number%05d$.m4s?" + q},
		{"/abs/init.mp4", "/abs/init.mp4?" + q},
		{"https://origin.example.com/a.ts", "https://origin.example.com/a.ts?" + q},
		{"https://cdn.example.net/a.ts", "https://cdn.example.net/a.ts"},
		{"//cdn.example.net/a.ts", "//cdn.example.net/a.ts"},
		{"skd://key-server/abc", "skd://key-server/abc"},
		{"data:text/plain;base64,AAEC", "data:text/plain;base64,AAEC"},
		{"video/", "video/"}, // a BaseURL directory
		{"#frag", "#frag"},
		{"", ""},
	} {
		got, changed := m(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("AppendQuery(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
	}
}

func TestAppendQueryRefusesUnsafeQueries(t *testing.T) {
	for _, q := range []string{"", "?", "a=1#x", "a=b c", "a=\"x\"", "a=\n", "a=<b>"} {
		if _, err := AppendQuery(q); !errors.Is(err, ErrQuery) {
			t.Errorf("AppendQuery(%q) err = %v, want ErrQuery", q, err)
		}
	}
}

func TestChainAppliesInOrder(t *testing.T) {
	sign, _ := AppendQuery("s=1", "origin.example.com")
	m := Chain(EdgeRelative("origin.example.com"), sign)
	if got, ok := m("https://origin.example.com/a.ts"); got != "/a.ts?s=1" || !ok {
		t.Errorf("Chain = %q, %v", got, ok)
	}
	if got, ok := m("https://cdn.example.net/a.ts"); got != "https://cdn.example.net/a.ts" || ok {
		t.Errorf("Chain on a foreign host = %q, %v", got, ok)
	}
}

func TestBoundsAndUnusableMapperOutput(t *testing.T) {
	huge := make([]byte, MaxBytes+1)
	if _, err := HLS(huge, EdgeRelative("x")); !errors.Is(err, ErrTooLarge) {
		t.Errorf("HLS over MaxBytes: %v", err)
	}
	if _, err := DASH(huge, EdgeRelative("x")); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DASH over MaxBytes: %v", err)
	}
	hls := []byte("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4,\nseg.ts\n")
	for name, out := range map[string]string{"newline": "a\nb", "quote": `a"b`, "long": strings.Repeat("a", MaxURIBytes+1)} {
		if _, err := HLS(hls, func(string) (string, bool) { return out, true }); !errors.Is(err, ErrBadURI) {
			t.Errorf("%s: err = %v, want ErrBadURI", name, err)
		}
	}
	// A quote is fine in DASH: it is escaped.
	got, err := DASH([]byte(`<MPD><BaseURL>a</BaseURL><SegmentTemplate media="m"/></MPD>`),
		func(string) (string, bool) { return `x"&<y`, true })
	if want := `<MPD><BaseURL>x"&amp;&lt;y</BaseURL><SegmentTemplate media="x&quot;&amp;&lt;y"/></MPD>`; err != nil || string(got) != want {
		t.Errorf("DASH escaping = %s, %v; want %s", got, err, want)
	}
}

// TestLinearTime: a manifest of many short lines, or one long line of many
// attributes, or unterminated markup, is handled in one pass.
func TestLinearTime(t *testing.T) {
	seg := EdgeRelative("o")
	big := []byte("#EXTM3U\n" + strings.Repeat("#EXTINF:1,\nhttp://o/s.ts\n", 200000))
	out, err := HLS(big, seg)
	if err != nil || strings.Count(string(out), "\n/s.ts\n") != 200000 {
		t.Fatalf("err %v", err)
	}
	attrs := []byte("#EXT-X-PART:" + strings.Repeat("A=B,", 1<<20))
	if _, err := HLS(attrs, seg); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{strings.Repeat("<a ", 1<<20), strings.Repeat("<!--", 1<<20), strings.Repeat(`<SegmentTemplate media="`, 1<<19)} {
		if _, err := DASH([]byte(b), seg); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEntitiesDecodedBeforeMapping(t *testing.T) {
	var seen []string
	in := `<MPD><Location>http://o/m.mpd?a=1&amp;b=&#50;</Location><SegmentURL media="s?x=&#x31;&amp;y=2"/><BaseURL>a&unknown;</BaseURL></MPD>`
	out, err := DASH([]byte(in), func(u string) (string, bool) { seen = append(seen, u); return u, false })
	if err != nil || string(out) != in {
		t.Fatal(err)
	}
	if want := []string{"http://o/m.mpd?a=1&b=2", "s?x=1&y=2"}; strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("mapper saw %q, want %q (the unknown entity is left alone)", seen, want)
	}
}

func TestOriginRelativeStripsEachOriginsBasePath(t *testing.T) {
	m := OriginRelative(Origin{Host: "origin.example.com", Base: "/base/"},
		Origin{Host: "media.s3.example.com:9000", Base: "/media"}, Origin{Host: "plain.example.com"})
	for _, tc := range []struct{ in, want string }{
		{"https://origin.example.com/base/v/1.ts", "/v/1.ts"},
		{"https://origin.example.com/base/v/1.ts?x=1#f", "/v/1.ts?x=1#f"},
		{"https://origin.example.com/base", "https://origin.example.com/base"},                   // the base itself is no edge path
		{"https://origin.example.com/basement/a.ts", "https://origin.example.com/basement/a.ts"}, // not under /base/
		{"https://origin.example.com/other/a.ts", "https://origin.example.com/other/a.ts"},
		{"http://media.s3.example.com:9000/media/live/init.mp4", "/live/init.mp4"},
		{"http://media.s3.example.com/media/live/init.mp4", "http://media.s3.example.com/media/live/init.mp4"}, // other port
		{"//plain.example.com/a.ts", "/a.ts"},
		{"https://plain.example.com", "/"},
		{"https://cdn.example.net/base/a.ts", "https://cdn.example.net/base/a.ts"},
		{"seg1.ts", "seg1.ts"},
	} {
		got, changed := m(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("OriginRelative(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
	}
}

func TestOriginAtDropsDefaultPorts(t *testing.T) {
	for in, want := range map[string]Origin{
		"http://packager:80/base/":        {Host: "packager", Base: "/base/"},
		"https://packager:443":            {Host: "packager"},
		"https://packager:80/a%20b":       {Host: "packager:80", Base: "/a%20b"},
		"http://[2001:db8::1]:8080/media": {Host: "[2001:db8::1]:8080", Base: "/media"},
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := OriginAt(u); got != want {
			t.Errorf("OriginAt(%s) = %+v, want %+v", in, got, want)
		}
	}
}
