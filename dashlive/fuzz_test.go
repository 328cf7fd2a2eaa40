package dashlive

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzSegments: Segments never panics, its errors wrap this package's
// errors, the lists respect their bounds, listed segments are available at
// now and upcoming ones are not yet.
func FuzzSegments(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "manifest", "testdata", "*.mpd"))
	more, _ := filepath.Glob(filepath.Join("..", "rewrite", "testdata", "*.mpd"))
	for _, name := range append(files, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, int64(3600))
	}
	f.Add(mpd(`timeShiftBufferDepth="PT1M"`, numberTemplate), int64(41))
	f.Add(mpd(``, `<Period start="PT0S"><AdaptationSet><SegmentTemplate timescale="1000" media="$Number$-$Time%05d$.m4s"><SegmentTimeline><S t="1000" d="2000" r="2"/><S d="1000"/><S d="2000" r="-1"/></SegmentTimeline></SegmentTemplate><Representation id="r"/></AdaptationSet></Period>`), int64(13))
	f.Fuzz(func(t *testing.T, body []byte, offset int64) {
		now := ast.Add(time.Duration(offset%(1<<40)) * time.Millisecond)
		opt := Options{Window: 5, Next: 3}
		reps, err := Segments(body, mpdURL, now, opt)
		if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotDynamic) &&
			!errors.Is(err, ErrTemplate) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("error %v wraps none of the package's errors", err)
		}
		if len(reps) > MaxRepresentations {
			t.Fatalf("%d Representations", len(reps))
		}
		for _, r := range reps {
			if len(r.Available) > opt.Window || len(r.Upcoming) > opt.Next {
				t.Fatalf("%s: %d available, %d upcoming", r.ID, len(r.Available), len(r.Upcoming))
			}
			for _, s := range r.Available {
				if s.Available.After(now.Add(time.Millisecond)) && saneTime(s.Available) {
					t.Fatalf("%s listed available at %v, before its time %v", s.URL, now, s.Available)
				}
			}
			for _, s := range r.Upcoming {
				if s.Available.Before(now.Add(-time.Millisecond)) && saneTime(s.Available) {
					t.Fatalf("%s listed upcoming at %v, available since %v", s.URL, now, s.Available)
				}
			}
		}
	})
}

// saneTime excludes times saturated by time.Time.Add.
func saneTime(t time.Time) bool { return t.Year() > 1800 && t.Year() < 2400 }
