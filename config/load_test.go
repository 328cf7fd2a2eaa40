package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/streamedge/streamedge/behavior"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/origin"
)

// TestLoadFillsDefaults: a file naming only an origin and the default
// behavior gets CloudFront's defaults (TTLs 0 / 1 day / 1 year, GET and
// HEAD, nothing in the key, allow-all) and the origin package's timeouts.
func TestLoadFillsDefaults(t *testing.T) {
	f, err := Load("testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := f.Origins["packager"]
	if o.DialTimeout.D() != origin.DefaultDialTimeout || o.ResponseHeaderTimeout.D() != origin.DefaultResponseHeaderTimeout ||
		o.Timeout.D() != origin.DefaultTimeout || o.MaxIdleConns != DefaultMaxIdleConns {
		t.Errorf("origin defaults: %+v", o.Connection)
	}
	b := f.DefaultBehavior
	if got, want := b.CachePolicy.TTLs(), (freshness.TTLs{Min: 0, Default: 24 * time.Hour, Max: 365 * 24 * time.Hour}); got != want {
		t.Errorf("TTLs %+v, want %+v", got, want)
	}
	if !slices.Equal(b.AllowedMethods, []string{"GET", "HEAD"}) || b.ViewerProtocol != "allow-all" || !*b.Media.LiveClamp ||
		b.CachePolicy.QueryStrings.Behavior != "none" || b.OriginRequest.Headers.Behavior != "none" {
		t.Errorf("behavior defaults: %+v", b)
	}
}

// TestTTLDefaultsFollowCloudFront: DefaultTTL becomes MinTTL when MinTTL is
// over a day; MaxTTL becomes DefaultTTL when that is over a year; a given
// MaxTTL below a day lowers the default DefaultTTL to it.
func TestTTLDefaultsFollowCloudFront(t *testing.T) {
	d := func(v time.Duration) *Duration { x := Duration(v); return &x }
	day, year := 24*time.Hour, 365*24*time.Hour
	tests := []struct {
		rule string
		in   CachePolicy
		want freshness.TTLs
	}{
		{"min_over_a_day_raises_default", CachePolicy{MinTTL: d(2 * day)}, freshness.TTLs{Min: 2 * day, Default: 2 * day, Max: year}},
		{"default_over_a_year_raises_max", CachePolicy{DefaultTTL: d(2 * year)}, freshness.TTLs{Default: 2 * year, Max: 2 * year}},
		{"max_below_a_day_lowers_default", CachePolicy{MaxTTL: d(2 * time.Second)}, freshness.TTLs{Default: 2 * time.Second, Max: 2 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			tc.in.defaults()
			if got := tc.in.TTLs(); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestExampleEdgeYAMLLoads: the shipped deploy/edge.yaml is valid and means
// what its comments say.
func TestExampleEdgeYAMLLoads(t *testing.T) {
	f, err := Load("../deploy/edge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if g := f.OriginGroups["live"]; g == nil || g.Primary != "packager-a" || g.Secondary != "packager-b" || g.PrimaryBackoff.D() != 10*time.Second {
		t.Errorf("live group: %+v", g)
	}
	var patterns []string
	for _, b := range f.Behaviors {
		patterns = append(patterns, b.Path)
	}
	tb, err := behavior.NewTable(patterns...)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"/live/ch1/index.m3u8": "live", "/live/ch1/seg_1.m4s": "live", "/slates/offline.m3u8": "slates", "/vod/movie/index.m3u8": "vod"} {
		got := f.DefaultBehavior.Origin
		if i := tb.Select(p); i != behavior.Default {
			got = f.Behaviors[i].Origin
		}
		if got != want {
			t.Errorf("%s goes to %s, want %s", p, got, want)
		}
	}
	if e := f.CustomErrorResponses[0]; e.Status != 503 || e.ResponseStatus != 200 || e.ErrorCachingMinTTL.D() != time.Second {
		t.Errorf("slate error response: %+v", e)
	}
	if e := f.CustomErrorResponses[1]; e.Status != 404 || e.ErrorCachingMinTTL.D() != time.Second {
		t.Errorf("404 error caching min TTL %v, want 1s (a live segment's 404 asked again soon)", e.ErrorCachingMinTTL.D())
	}
}

// TestLoadRefusesOversizedAndMissingFiles: a missing file is an
// *os.PathError (fs.ErrNotExist), a file over MaxFileSize an *Error.
func TestLoadRefusesOversizedAndMissingFiles(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	var e *Error
	if _, err := Load(big); !errors.As(err, &e) || e.Line != 1 {
		t.Errorf("oversized file: %v", err)
	}
}
