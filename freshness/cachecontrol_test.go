package freshness

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseCacheControl(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   Directives
	}{
		{"empty", nil, Directives{}},
		{"max_age", []string{"max-age=60"}, Directives{MaxAge: time.Minute, HasMaxAge: true}},
		{"names_case_insensitive", []string{"Max-Age=60, S-MAXAGE=30, No-Store"},
			Directives{MaxAge: time.Minute, HasMaxAge: true, SMaxAge: 30 * time.Second, HasSMaxAge: true, NoStore: true}},
		{"quoted_value", []string{`max-age="60"`}, Directives{MaxAge: time.Minute, HasMaxAge: true}},
		{"spaces_around_equals", []string{"max-age = 60 ,public"}, Directives{MaxAge: time.Minute, HasMaxAge: true, Public: true}},
		{"bad_number_ignored", []string{"max-age=6O, s-maxage=-1, stale-if-error=1.5, max-age="}, Directives{}},
		{"overflow_saturates_at_2_pow_31", []string{"max-age=99999999999999999999999"},
			Directives{MaxAge: maxDelta, HasMaxAge: true}},
		{"leading_zeros", []string{"max-age=0000000000000060"}, Directives{MaxAge: time.Minute, HasMaxAge: true}},
		{"duplicate_keeps_smallest", []string{"max-age=60, max-age=10", "max-age=30"}, Directives{MaxAge: 10 * time.Second, HasMaxAge: true}},
		{"bad_duplicate_does_not_override", []string{"max-age=60, max-age=x"}, Directives{MaxAge: time.Minute, HasMaxAge: true}},
		{"multiple_header_lines", []string{"public", "max-age=5", "must-revalidate, proxy-revalidate, immutable"},
			Directives{Public: true, MaxAge: 5 * time.Second, HasMaxAge: true, MustRevalidate: true, ProxyRevalidate: true, Immutable: true}},
		{"stale_windows", []string{"stale-while-revalidate=30, stale-if-error=86400"},
			Directives{StaleWhileRevalidate: 30 * time.Second, HasStaleWhileRevalidate: true, StaleIfError: 24 * time.Hour, HasStaleIfError: true}},
		{"no_cache_unqualified", []string{"no-cache"}, Directives{NoCache: true}},
		{"no_cache_qualified_comma_in_quotes", []string{`no-cache="Set-Cookie, X-A", max-age=5`},
			Directives{NoCacheFields: []string{"set-cookie", "x-a"}, MaxAge: 5 * time.Second, HasMaxAge: true}},
		{"no_cache_unqualified_wins", []string{`no-cache="X-A", no-cache`}, Directives{NoCache: true}},
		{"no_cache_unqualified_wins_when_first", []string{`no-cache, no-cache="X-A"`}, Directives{NoCache: true}},
		{"no_cache_empty_quotes_is_unqualified", []string{`no-cache=""`}, Directives{NoCache: true}},
		{"private_qualified_token", []string{"private=X-User"}, Directives{PrivateFields: []string{"x-user"}}},
		{"private_unqualified", []string{"private"}, Directives{Private: true}},
		{"too_many_field_names_is_unqualified", []string{`private="` + strings.Repeat("a,", 17) + `"`}, Directives{Private: true}},
		{"escaped_quote", []string{`no-cache="X-\"A", max-age=1`},
			Directives{NoCacheFields: []string{`x-"a`}, MaxAge: time.Second, HasMaxAge: true}},
		{"unterminated_quote", []string{`no-cache="X-A, max-age=1`}, Directives{NoCacheFields: []string{"x-a", "max-age=1"}}},
		{"junk_after_quote_skipped", []string{`max-age="5"junk, public`}, Directives{MaxAge: 5 * time.Second, HasMaxAge: true, Public: true}},
		{"unknown_directives_ignored", []string{`foo, bar="baz,qux", max-age=1`}, Directives{MaxAge: time.Second, HasMaxAge: true}},
		{"empty_elements", []string{" , ,, max-age=1,,"}, Directives{MaxAge: time.Second, HasMaxAge: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseCacheControl(tc.values); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseCacheControl(%q) =\n  %+v\nwant\n  %+v", tc.values, got, tc.want)
			}
		})
	}
}

func TestParseCacheControlLinearWork(t *testing.T) {
	big := strings.Repeat(`no-cache="a,b,c", max-age=1, `, 50000)
	start := time.Now()
	d := ParseCacheControl([]string{big})
	if !d.NoCache || d.MaxAge != time.Second {
		t.Errorf("ParseCacheControl(big) = %+v", d)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("ParseCacheControl took %v on %d bytes", el, len(big))
	}
}
