package coalesce

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestJoinElectsOneLeader(t *testing.T) {
	g := NewGroup[string](nil)
	release := make(chan struct{})
	var starts int
	var mu sync.Mutex
	run := func(f *Fill[string]) {
		mu.Lock()
		starts++
		mu.Unlock()
		f.SetHead(&Head[string]{Status: 200, ContentLength: 3}, 3)
		<-release
		f.Append([]byte("abc"))
		f.Finish(nil)
	}
	const n = 200
	fills := make(chan *Fill[string], n)
	leaders := make(chan bool, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, leader := g.Join("k", run, nil)
			fills <- f
			leaders <- leader
		}()
	}
	wg.Wait()
	close(release)
	close(fills)
	close(leaders)
	var first *Fill[string]
	for f := range fills {
		if first == nil {
			first = f
		}
		if f != first {
			t.Fatal("two fills for one key")
		}
	}
	nl := 0
	for l := range leaders {
		if l {
			nl++
		}
	}
	if err := first.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if nl != 1 || starts != 1 {
		t.Fatalf("leaders %d starts %d, want 1 and 1", nl, starts)
	}
	if g.Followers() != n-1 {
		t.Fatalf("followers = %d", g.Followers())
	}
}

func TestReadersStreamAsBytesArrive(t *testing.T) {
	f := newFill[string]("k")
	f.SetHead(&Head[string]{Status: 200, ContentLength: 6}, 6)
	f.Append([]byte("abc"))
	chunk, done, err := f.Next(context.Background(), 0)
	if string(chunk) != "abc" || done || err != nil {
		t.Fatalf("got %q %v %v", chunk, done, err)
	}
	got := make(chan []byte)
	go func() {
		c, _, _ := f.Next(context.Background(), 3)
		got <- c
	}()
	time.Sleep(10 * time.Millisecond)
	f.Append([]byte("def"))
	if c := <-got; string(c) != "def" {
		t.Fatalf("second chunk %q", c)
	}
	f.Finish(nil)
	if _, done, err := f.Next(context.Background(), 6); !done || err != nil {
		t.Fatalf("end: %v %v", done, err)
	}
}

func TestFailedFillReachesReaders(t *testing.T) {
	boom := errors.New("reset")
	f := newFill[string]("k")
	f.SetHead(&Head[string]{Status: 200}, 0)
	f.Append([]byte("ab"))
	f.Finish(boom)
	if _, _, err := f.Next(context.Background(), 0); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	g := newFill[string]("k2")
	g.Finish(boom)
	if _, err := g.Head(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("head err %v", err)
	}
}

func TestReaderGivesUpWithItsContext(t *testing.T) {
	f := newFill[string]("k")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := f.Head(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
}

func TestFillUnregisteredWhenRunReturns(t *testing.T) {
	g := NewGroup[string](nil)
	f, _ := g.Join("k", func(f *Fill[string]) { f.Finish(nil) }, nil)
	_ = f.Wait(context.Background())
	deadline := time.Now().Add(time.Second)
	for g.InFlight() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("fill still registered")
		}
		time.Sleep(time.Millisecond)
	}
	f2, leader := g.Join("k", func(f *Fill[string]) { f.Finish(nil) }, nil)
	if !leader || f2 == f {
		t.Fatal("a finished fill was joined instead of a new one")
	}
}

func TestCompleteUnreusableFillIsNotJoined(t *testing.T) {
	tests := []struct {
		name     string
		reusable bool
		want     bool // a late request joins the complete-but-unfinished fill
	}{
		{"stored_response_shared", true, true},
		{"error_response_not_reused", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGroup[string](nil)
			release := make(chan struct{})
			f, _ := g.Join("k", func(f *Fill[string]) {
				f.SetHead(&Head[string]{Status: 503, ContentLength: 2, Reusable: tc.reusable}, 2)
				f.Append([]byte("no"))
				<-release // the body is complete; Finish has not happened yet
				f.Finish(nil)
			}, nil)
			_, _, _ = f.Next(context.Background(), 0)
			f2, leader := g.Join("k", func(f *Fill[string]) { f.Finish(nil) }, nil)
			close(release)
			if joined := f2 == f && !leader; joined != tc.want {
				t.Fatalf("joined = %v, want %v", joined, tc.want)
			}
		})
	}
}

func TestJoinStartsNothingWhenSatisfied(t *testing.T) {
	g := NewGroup[string](nil)
	started := false
	f, leader := g.Join("k", func(f *Fill[string]) { started = true; f.Finish(nil) }, func() bool { return true })
	if f != nil || leader || started || g.Started() != 0 {
		t.Fatalf("a satisfied join started a fill: %v %v %v", f, leader, started)
	}
}
