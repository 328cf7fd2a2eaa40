package freshness

import (
	"net/http"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

// FuzzParseCacheControl checks the parser never panics and never yields a
// negative or over-large duration, a duration without its Has flag, or a
// field list alongside its unqualified directive.
func FuzzParseCacheControl(f *testing.F) {
	for _, s := range []string{
		"max-age=60, s-maxage=30", `no-cache="Set-Cookie, X-A"`, `private="a`, "stale-while-revalidate=1, stale-if-error=2",
		"MAX-AGE=99999999999999999999", `max-age="5"junk,,`, "no-store,private,public,must-revalidate",
	} {
		f.Add(s, "max-age=1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		d := ParseCacheControl([]string{a, b})
		durs := []struct {
			v   time.Duration
			has bool
		}{{d.MaxAge, d.HasMaxAge}, {d.SMaxAge, d.HasSMaxAge}, {d.StaleWhileRevalidate, d.HasStaleWhileRevalidate}, {d.StaleIfError, d.HasStaleIfError}}
		for _, x := range durs {
			if x.v < 0 || x.v > maxDelta || (!x.has && x.v != 0) {
				t.Fatalf("bad duration in %+v", d)
			}
		}
		if (d.NoCache && d.NoCacheFields != nil) || (d.Private && d.PrivateFields != nil) ||
			len(d.NoCacheFields) > maxFieldNames || len(d.PrivateFields) > maxFieldNames {
			t.Fatalf("bad field lists in %+v", d)
		}
	})
}

// FuzzDecide checks Policy invariants for arbitrary headers: no negative
// durations, nothing stored that is not shareable, zero lifetimes when not
// stored, and the live clamps.
func FuzzDecide(f *testing.F) {
	f.Add(200, "max-age=3600", "", "", "", "", int64(6), true, false)
	f.Add(404, "", "0", "", "5", "Accept-Encoding", int64(0), false, true)
	f.Add(302, "s-maxage=10, stale-if-error=5", httpDate(t0.Add(time.Hour)), httpDate(t0), "x", "*", int64(-1), true, true)
	f.Fuzz(func(t *testing.T, status int, cc, expires, date, age, vary string, td int64, live, dash bool) {
		h := http.Header{"Cache-Control": {cc}, "Expires": {expires}, "Date": {date}, "Age": {age}, "Vary": {vary}}
		m := manifest.Info{Format: manifest.HLS, Live: live, TargetDuration: time.Duration(td) * time.Millisecond}
		if dash {
			m = manifest.Info{Format: manifest.DASH, Live: live, MinimumUpdatePeriod: time.Duration(td) * time.Millisecond}
		}
		p := Decide(Input{Status: status, Header: h, RequestTime: t0, ResponseTime: t0.Add(time.Second), Manifest: m}, cfg)
		if p.InitialAge < 0 || p.TTL < 0 || p.StaleWhileRevalidate < 0 || p.StaleIfError < 0 {
			t.Fatalf("negative duration: %+v", p)
		}
		if p.Store && !p.Shareable {
			t.Fatalf("stored but not shareable: %+v", p)
		}
		if !p.Store && (p.TTL != 0 || p.StaleWhileRevalidate != 0 || p.StaleIfError != 0 || p.Reason == "") {
			t.Fatalf("not stored but has lifetimes or no reason: %+v", p)
		}
		if p.Kind == KindHLSLive && (p.TTL > max(0, m.TargetDuration/2) || p.StaleWhileRevalidate > max(0, m.TargetDuration)) {
			t.Fatalf("live HLS clamp violated: %+v for %+v", p, m)
		}
		if p.Kind == KindDASHDynamic && p.TTL > 2*time.Second {
			t.Fatalf("DASH dynamic clamp violated: %+v for %+v", p, m)
		}
	})
}
