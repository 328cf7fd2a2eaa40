package resilience

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// edgeProc is a `streamedge serve` process.
type edgeProc struct {
	t     testing.TB
	addr  string // client listener
	admin string // /metrics, /healthz
	p     *proc
}

// startEdge starts the edge in front of originURL with extra flags (later
// flags win over the defaults here).
func startEdge(t testing.TB, originURL string, flags ...string) *edgeProc {
	t.Helper()
	for range 5 {
		e := &edgeProc{t: t, addr: freePort(t), admin: freePort(t)}
		args := append([]string{"serve", "-origin", originURL, "-listen", e.addr, "-admin", e.admin,
			"-access-log", "off", "-log-level", "warn", "-cache-size", "128MiB", "-max-object-size", "16MiB"}, flags...)
		p, err := startProc(t, "edge", edgeBin, args...)
		if err != nil {
			t.Fatal(err)
		}
		e.p = p
		err = p.waitUp(e.healthz, 10*time.Second)
		if err == nil {
			return e
		}
		if !errors.Is(err, errBind) {
			t.Fatal(err)
		}
	}
	t.Fatal("edge: no free ports after 5 tries")
	return nil
}

func (e *edgeProc) URL(path string) string { return "http://" + e.addr + path }

// healthz asks the admin listener whether the process answers.
func (e *edgeProc) healthz() error {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + e.admin + "/healthz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz: %s", resp.Status)
	}
	return nil
}

// alive fails the test if the edge process has exited.
func (e *edgeProc) alive() {
	e.t.Helper()
	if e.p.exited() {
		e.t.Fatalf("the edge process exited:\n%s", e.p.output())
	}
}

// metrics reads the unlabelled samples of the edge's /metrics.
func (e *edgeProc) metrics() map[string]float64 {
	e.t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + e.admin + "/metrics")
	if err != nil {
		e.t.Fatalf("edge /metrics: %v", err)
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.ContainsRune(line, '{') {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			m[name] = v
		}
	}
	if err := sc.Err(); err != nil {
		e.t.Fatalf("edge /metrics: %v", err)
	}
	return m
}
