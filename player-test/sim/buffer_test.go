package sim

import (
	"testing"
	"time"
)

// bufOp is one step of a fake-clock buffer script.
type bufOp struct {
	at  time.Duration // since start
	add time.Duration // media added (0 = just observe)
	eos bool
}

func TestBufferAccounting(t *testing.T) {
	s := time.Second
	tests := []struct {
		name                string
		ops                 []bufOp
		end                 time.Duration
		started             bool
		startup             time.Duration
		stalls              int
		stallTime, playTime time.Duration
	}{
		{name: "never starts", ops: []bufOp{{at: s, add: s}}, end: 10 * s},
		{name: "smooth", ops: []bufOp{{at: s, add: 2 * s}, {at: 2 * s, add: 2 * s}, {at: 3 * s, add: 2 * s}},
			end: 5 * s, started: true, startup: s, playTime: 4 * s},
		{name: "one stall then resume", ops: []bufOp{{at: s, add: 2 * s}, {at: 5 * s, add: 2 * s}},
			end: 6 * s, started: true, startup: s, stalls: 1, stallTime: 2 * s, playTime: 3 * s},
		{name: "ongoing stall counted at close", ops: []bufOp{{at: 0, add: 2 * s}},
			end: 5 * s, started: true, stalls: 1, stallTime: 3 * s, playTime: 2 * s},
		{name: "end of stream is not a stall", ops: []bufOp{{at: 0, add: 2 * s}, {at: s, eos: true}},
			end: 10 * s, started: true, playTime: 2 * s},
		{name: "eos starts a short tail", ops: []bufOp{{at: 0, add: s}, {at: s, eos: true}},
			end: 10 * s, started: true, startup: s, playTime: s},
		{name: "two stalls", ops: []bufOp{{at: 0, add: 2 * s}, {at: 3 * s, add: 2 * s}, {at: 7 * s, add: 2 * s}},
			end: 9 * s, started: true, stalls: 2, stallTime: 3 * s, playTime: 6 * s},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Unix(1000, 0)
			b := NewBuffer(t0, 2*s)
			for _, op := range tc.ops {
				if op.eos {
					b.EndOfStream(t0.Add(op.at))
				} else {
					b.Add(t0.Add(op.at), op.add)
				}
			}
			got := b.Close(t0.Add(tc.end))
			want := BufferStats{Started: tc.started, Startup: tc.startup, Stalls: tc.stalls,
				StallTime: tc.stallTime, PlayTime: tc.playTime}
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestBufferLevelDrains(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := NewBuffer(t0, time.Second)
	b.Add(t0, 4*time.Second)
	if got := b.Level(t0.Add(1500 * time.Millisecond)); got != 2500*time.Millisecond {
		t.Fatalf("level = %v, want 2.5s", got)
	}
	if b.Stalled() {
		t.Fatal("stalled too early")
	}
	b.Level(t0.Add(5 * time.Second))
	if !b.Stalled() {
		t.Fatal("want stalled after the buffer ran dry")
	}
}
