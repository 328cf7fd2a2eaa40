package coalesce

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A reader whose offset lies past where a failing fill stopped (a range
// request beyond the cut) gets the fill's error; it must not panic while
// holding the fill's lock, which would hang every other reader for good.
func TestNextPastTheCutOfAFailedFill(t *testing.T) {
	boom := errors.New("reset mid-body")
	tests := []struct {
		name    string
		finish  error
		off     int
		wantErr error
	}{
		{"failed_fill_offset_past_cut", boom, 100, boom},
		{"failed_fill_offset_at_cut", boom, 4, boom},
		{"complete_fill_offset_past_end", nil, 100, ErrPastEnd},
		{"negative_offset", nil, -1, ErrPastEnd},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFill[string]("k")
			f.SetHead(&Head[string]{Status: 200, ContentLength: 10}, 10)
			f.Append([]byte("abcd"))
			ranged := make(chan error, 1)
			go func() {
				_, done, err := f.Next(context.Background(), tc.off)
				if !done {
					err = errors.New("not done")
				}
				ranged <- err
			}()
			time.Sleep(5 * time.Millisecond) // the ranged reader waits for bytes past the cut
			f.Finish(tc.finish)
			select {
			case err := <-ranged:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ranged reader: %v, want %v", err, tc.wantErr)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("ranged reader hangs")
			}
			other := make(chan error, 1)
			go func() { _, _, err := f.Next(context.Background(), 0); other <- err }()
			select {
			case err := <-other:
				if !errors.Is(err, tc.finish) {
					t.Fatalf("other viewer: %v", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("another viewer of the same fill hangs")
			}
		})
	}
}

func TestPanickingFillerFailsItsReaders(t *testing.T) {
	base := runtime.NumGoroutine()
	var reported atomic.Int32
	g := NewGroup[string](func(key string, err error, stack []byte) {
		if key == "k" && errors.Is(err, ErrPanic) && len(stack) > 0 {
			reported.Add(1)
		}
	})
	tests := []struct {
		name string
		run  func(*Fill[string])
	}{
		{"before_head", func(*Fill[string]) { panic("no head") }},
		{"mid_body", func(f *Fill[string]) {
			f.SetHead(&Head[string]{Status: 200, ContentLength: 10}, 10)
			f.Append([]byte("abc"))
			var m map[string]int
			m["x"] = 1 // a runtime panic
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := g.Join("k", tc.run, nil)
			errs := make(chan error, 3)
			for range 3 {
				go func() {
					if _, err := f.Head(context.Background()); err != nil {
						errs <- err
						return
					}
					_, _, err := f.Next(context.Background(), 3)
					errs <- err
				}()
			}
			for range 3 {
				select {
				case err := <-errs:
					if !errors.Is(err, ErrPanic) {
						t.Fatalf("reader: %v, want ErrPanic", err)
					}
				case <-time.After(2 * time.Second):
					t.Fatal("a reader of a panicked fill hangs")
				}
			}
			waitZero(t, g.InFlight)
			if g.Panics() != int64(i+1) || reported.Load() != int32(i+1) {
				t.Fatalf("panics %d reported %d", g.Panics(), reported.Load())
			}
		})
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines %d, baseline %d", runtime.NumGoroutine(), base)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitZero(t *testing.T, n func() int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for n() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("fill still registered")
		}
		time.Sleep(time.Millisecond)
	}
}
