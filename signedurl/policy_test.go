package signedurl

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		ok         bool
	}{
		{"sdk_array_form", `{"Statement":[{"Resource":"https://h/*","Condition":{"DateLessThan":{"AWS:EpochTime":10}}}]}`, true},
		{"dg_object_form", `{"Statement":{"Resource":"https://h/*","Condition":{"DateLessThan":{"AWS:EpochTime":10}}}}`, true},
		{"condition_order_free", `{"Statement":[{"Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":1},"DateLessThan":{"AWS:EpochTime":10}},"Resource":"*"}]}`, true},
		{"no_resource_grants_all", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10}}}]}`, true},
		{"whitespace_tolerated", " {\"Statement\" : [ {\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":10}}} ] } ", true},
		{"missing_date_less_than", `{"Statement":[{"Resource":"*","Condition":{"DateGreaterThan":{"AWS:EpochTime":1}}}]}`, false},
		{"missing_condition", `{"Statement":[{"Resource":"*"}]}`, false},
		{"quoted_epoch", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":"10"}}}]}`, false},
		{"fractional_epoch", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10.5}}}]}`, false},
		{"two_statements", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10}}},{"Condition":{"DateLessThan":{"AWS:EpochTime":10}}}]}`, false},
		{"zero_statements", `{"Statement":[]}`, false},
		{"no_statement", `{}`, false},
		{"unknown_condition", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10},"Referer":{"x":"y"}}}]}`, false},
		{"unknown_top_level_key", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10}}}],"Version":"1"}`, false},
		{"ipv6_source", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10},"IpAddress":{"AWS:SourceIp":"2001:db8::/32"}}}]}`, false},
		{"bad_cidr", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10},"IpAddress":{"AWS:SourceIp":"1.2.3.4/40"}}}]}`, false},
		{"trailing_data", `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":10}}}]}{}`, false},
		{"too_big", `{"Statement":[{"Resource":"` + strings.Repeat("a", MaxPolicyBytes) + `","Condition":{"DateLessThan":{"AWS:EpochTime":10}}}]}`, false},
		{"not_json", `Statement`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tc.json))
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !errors.Is(err, ErrPolicy)) {
				t.Fatalf("got %+v, %v; want an ErrPolicy", p, err)
			}
		})
	}
}

func TestParsePolicyFields(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":20},"DateGreaterThan":{"AWS:EpochTime":5},"IpAddress":{"AWS:SourceIp":"192.0.2.9"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Resource != "https://h/a" || !p.HasResource || p.DateLessThan != 20 || p.DateGreaterThan != 5 || p.SourceIP.String() != "192.0.2.9/32" {
		t.Fatalf("parsed %+v", p)
	}
}

func TestMatchResourceWildcards(t *testing.T) {
	for _, tc := range []struct {
		res, url string
		want     bool
	}{
		{"*", "https://h/anything?x", true},
		{"https://h/a.ts", "https://h/a.ts", true},
		{"https://h/a.ts", "https://h/a.ts?x=1", false}, // no query in the resource: none allowed
		{"https://h/a.ts", "http://h/a.ts", false},      // protocol
		{"https://h/a.ts", "https://H/a.ts", true},      // the domain is case-insensitive
		{"https://h/a.ts", "https://h/A.ts", false},     // the path is not
		{"https://h/live/*", "https://h/live/720p/s.ts", true},
		{"https://h/live/*", "https://h/live/s.ts?_HLS_msn=3", true}, // trailing * implies \?*
		{"https://h/live/*", "https://h/vod/s.ts", false},
		{"https://h/*game_download.zip*", "https://h/example_game_download.zip?license=yes", true},
		{"https://h/*game_download.zip*", "https://h/game_download.zip", true},
		{"https://h/s?.ts", "https://h/s1.ts", true},
		{"https://h/s?.ts", "https://h/s12.ts", false},
		{"https://h/a.ts?x=1", "https://h/a.ts?x=1", true}, // a plain '?' as the SDK examples sign it
		{"https://h/a.ts?x=1", "https://h/a.ts?x=2", false},
		{`https://h/a.ts\?x=*`, "https://h/a.ts?x=9", true},
		{`https://h/a.ts\?x=*`, "https://h/a.ts", false},
		{`https://h/a*\?*`, "https://h/abc", true},
		{"https://h/a*b", "https://h/a?x=b", false}, // '*' does not cross from path into query
		{"https://*.example.com/*", "https://d1.example.com/x", true},
		{"https://*.example.com/*", "https://evil.com/x.example.com/x", false}, // nor from domain into path
		{"https://d1.example.*", "https://d1.example.net/any/path?q", true},    // trailing * in domain
		{"*://h/a", "http://h/a", true},
		{"http*://h/a", "https://h/a", true},
		{"*h.com", "https://h.com/", true},
		{"*h.com", "https://h.com/x", false},
		{"ftp://h/a", "ftp://h/a", false},
		{"h/a", "https://h/a", false},
	} {
		scheme, rest, _ := strings.Cut(tc.url, "://")
		host, pq, _ := strings.Cut(rest, "/")
		path, query, hasQuery := strings.Cut("/"+pq, "?")
		got := matchResource(tc.res, target{scheme: scheme, host: host, path: path, query: query, hasQuery: hasQuery})
		if got != tc.want {
			t.Errorf("matchResource(%q, %q) = %v, want %v", tc.res, tc.url, got, tc.want)
		}
	}
}

func TestStripQueryKeepsTheViewersParameters(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "",
		"Expires=1&Signature=s&Key-Pair-Id=K": "",
		"a=1&Expires=1&b=%2F&Signature=s":     "a=1&b=%2F",
		"Policy=p&Signature=s&Key-Pair-Id=K&Hash-Algorithm=SHA256&_HLS_msn=4": "_HLS_msn=4",
		"&a=1&&b":                "&a=1&&b",
		"Key%2DPair-Id=K&keep=1": "keep=1",
		"expires=1":              "expires=1", // names are case-sensitive, as CloudFront's
	} {
		if got := StripQuery(in); got != want {
			t.Errorf("StripQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
