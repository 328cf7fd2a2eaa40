package main

import (
	"os"
	"testing"
)

func TestParseStatusMem(t *testing.T) {
	st := "Name:\tstreamedge\nVmPeak:\t 2000000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\nThreads:\t9\n"
	rss, hwm, ok := parseStatusMem([]byte(st))
	if !ok || rss != 256 || hwm != 512 {
		t.Fatalf("got rss %v hwm %v ok %v", rss, hwm, ok)
	}
	if _, _, ok := parseStatusMem([]byte("Name:\tkthreadd\n")); ok {
		t.Error("a kernel thread without Vm lines must not count")
	}
}

func TestStatGroupWithSpacesInName(t *testing.T) {
	if got := statGroup([]byte("4242 (nginx: worker (x)) S 4240 4241 4239 0 -1 4194560")); got != 4241 {
		t.Fatalf("group %d, want 4241", got)
	}
}

// TestSampleMemOfThisProcess reads the real /proc of the test itself.
func TestSampleMemOfThisProcess(t *testing.T) {
	m := sampleMem([]int{os.Getpid(), 1 << 30})
	if m == nil || m.Processes != 1 || m.RSSMiB <= 0 || m.PeakMiB < m.RSSMiB {
		t.Fatalf("sample: %+v", m)
	}
	if peakMem(nil, &memSample{PeakMiB: 3}, &memSample{PeakMiB: 2}).PeakMiB != 3 {
		t.Error("peakMem must pick the highest peak")
	}
}
