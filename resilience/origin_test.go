package resilience

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// originProc is a `player-test origin` process on a fixed loopback port;
// restart keeps the port and changes the faults.
type originProc struct {
	t    testing.TB
	addr string
	p    *proc
}

// startOrigin starts a test origin on a free port with the given fault
// flags (e.g. "-latency", "3s").
func startOrigin(t testing.TB, faults ...string) *originProc {
	t.Helper()
	o := &originProc{t: t}
	for range 5 {
		o.addr = freePort(t)
		err := o.start(faults)
		if err == nil {
			return o
		}
		if !errors.Is(err, errBind) {
			t.Fatal(err)
		}
	}
	t.Fatal("origin: no free port after 5 tries")
	return nil
}

func (o *originProc) start(faults []string) error {
	args := append([]string{"origin", "-listen", o.addr}, faults...)
	p, err := startProc(o.t, "origin", playerBin, args...)
	if err != nil {
		return err
	}
	o.p = p
	return p.waitUp(func() error { _, err := o.fetchStats(); return err }, 10*time.Second)
}

// restart kills the origin and starts it again on the same port with new
// fault flags. The port was ours a moment ago, so a bind failure is retried
// briefly rather than given up on.
func (o *originProc) restart(faults ...string) {
	o.t.Helper()
	o.kill()
	deadline := time.Now().Add(3 * time.Second)
	for {
		err := o.start(faults)
		if err == nil {
			return
		}
		if !errors.Is(err, errBind) || time.Now().After(deadline) {
			o.t.Fatalf("origin restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill stops the origin process (SIGKILL: a crash, not a drain).
func (o *originProc) kill() {
	if o.p != nil {
		o.p.kill()
	}
}

func (o *originProc) URL() string { return "http://" + o.addr }

// originStats mirrors testorigin.Stats (the JSON of /_stats).
type originStats struct {
	Requests int64 `json:"requests"`
	Bytes    int64 `json:"bytes"`
	Paths    map[string]struct {
		Requests int64 `json:"requests"`
		Bytes    int64 `json:"bytes"`
	} `json:"paths"`
	Faults map[string]int64 `json:"faults"`
}

func (s originStats) count(path string) int64 { return s.Paths[path].Requests }

func (o *originProc) stats() originStats {
	o.t.Helper()
	s, err := o.fetchStats()
	if err != nil {
		o.t.Fatalf("origin stats: %v", err)
	}
	return s
}

func (o *originProc) fetchStats() (originStats, error) {
	var s originStats
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(o.URL() + "/_stats")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("/_stats: %s", resp.Status)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}
