package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// contentTypes is a canonical Content-Type per format, for Detect round trips.
var contentTypes = map[Format]string{HLS: "application/vnd.apple.mpegurl", DASH: "application/dash+xml"}

func addTestdataSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.m*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=NONE\nfoo.ts\n"))
	f.Add([]byte("<MPD type=\"dynamic\" minimumUpdatePeriod=\"PT0.5S\"><Period/></MPD>"))
	f.Add([]byte("<MPD type=\"dynamic\" publishTime=\"2024-05-01T10:00:00.5+02:00\"><Period/></MPD>"))
	f.Add([]byte(`<MPD type="dynamic" availabilityStartTime="2024-05-01T10:00:00Z"><Period start="PT5S"><AdaptationSet>` +
		`<SegmentTemplate timescale="1000" presentationTimeOffset="500"><SegmentTimeline><S t="500" d="2000" r="3"/><S d="1000" r="-1"/>` +
		`</SegmentTimeline></SegmentTemplate><Representation/></AdaptationSet></Period><Period><AdaptationSet><SegmentList duration="2">` +
		`<SegmentURL/><SegmentURL/></SegmentList></AdaptationSet></Period></MPD>`))
	f.Add([]byte("<html><body>502</body></html>"))
	f.Add([]byte{})
}

// FuzzParse checks that Parse never panics, that every error wraps
// ErrInvalid, that an Info is internally consistent, that a body is never a
// valid manifest of both formats, and that parsing through Detect of the
// format's Content-Type agrees with parsing the format directly.
func FuzzParse(f *testing.F) {
	addTestdataSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		valid := 0
		for _, format := range []Format{HLS, DASH} {
			info, err := Parse(format, body)
			if err != nil {
				if !errors.Is(err, ErrInvalid) || info != (Info{}) {
					t.Fatalf("Parse(%v) = %+v, %v", format, info, err)
				}
			} else {
				valid++
				checkInfo(t, format, info)
				if got := DecodeFacts(EncodeFacts(info)); got != info {
					t.Fatalf("facts round trip %+v -> %+v", info, got)
				}
			}
			viaDetect, err2 := Parse(Detect(contentTypes[format], ""), body)
			if viaDetect != info || (err == nil) != (err2 == nil) {
				t.Fatalf("Parse via Detect = %+v, %v; direct = %+v, %v", viaDetect, err2, info, err)
			}
		}
		if valid > 1 {
			t.Fatalf("body is valid as both HLS and DASH: %q", body)
		}
		if _, err := Parse(None, body); !errors.Is(err, ErrInvalid) {
			t.Fatalf("Parse(None) err = %v", err)
		}
	})
}

func checkInfo(t *testing.T, format Format, info Info) {
	t.Helper()
	if info.Format != format {
		t.Fatalf("Info.Format = %v, want %v", info.Format, format)
	}
	if info.TargetDuration < 0 || info.MinimumUpdatePeriod < 0 || info.Segments < 0 {
		t.Fatalf("negative field in %+v", info)
	}
	if info.Master && (info.Live || info.TargetDuration != 0 || info.Segments != 0 || info.MediaSequence != 0) {
		t.Fatalf("master playlist with media fields: %+v", info)
	}
	if format == DASH && (info.Master || info.TargetDuration != 0 || info.Segments != 0 || info.MediaSequence != 0) {
		t.Fatalf("DASH info with HLS fields: %+v", info)
	}
	if (format == HLS || !info.Live) && (!info.PublishTime.IsZero() || !info.NewestSegmentEnd.IsZero()) {
		t.Fatalf("PublishTime or NewestSegmentEnd outside a dynamic MPD: %+v", info)
	}
	if format == HLS && info.MinimumUpdatePeriod != 0 {
		t.Fatalf("HLS info with MinimumUpdatePeriod: %+v", info)
	}
}

// FuzzDetect checks Detect and IsSegmentPath never panic, that a
// manifest Content-Type always wins over the path, and that a path's
// classification does not depend on a query string.
func FuzzDetect(f *testing.F) {
	f.Add("application/x-mpegURL; charset=utf-8", "/live/index.m3u8")
	f.Add("application/dash+xml", "/v/manifest.mpd")
	f.Add("text/plain", "/a/seg.ts?x=1")
	f.Add("", "/a.M3U")
	f.Fuzz(func(t *testing.T, contentType, path string) {
		got := Detect(contentType, path)
		if got < None || got > DASH {
			t.Fatalf("Detect = %d", got)
		}
		for format, ct := range contentTypes {
			if d := Detect(ct+";"+contentType, path); d != format {
				t.Fatalf("Detect(%q) = %v, want %v", ct, d, format)
			}
		}
		if ft := formatOfType(contentType); ft != None && got != ft {
			t.Fatalf("Content-Type says %v, Detect = %v", ft, got)
		}
		if Detect("", path) != Detect("", path+"?q=.x") || IsSegmentPath(path) != IsSegmentPath(path+"?q=.x") {
			t.Fatalf("query changed classification of %q", path)
		}
	})
}
