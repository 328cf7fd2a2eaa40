package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// invalResult is one node's invalidation: when `streamedge invalidate`
// returned and when the probe object was first not a hit, both from the
// moment every invalidation was started.
type invalResult struct {
	Node      string  `json:"node"`
	Object    string  `json:"object"` // the segment probed (one per edge)
	Before    string  `json:"x_cache_before"`
	After     string  `json:"x_cache_after"`
	AppliedMS float64 `json:"invalidate_returned_ms"`
	MissMS    float64 `json:"first_miss_ms"`      // the missing probe's answer; -1: still a hit after 3 s
	SentMS    float64 `json:"first_miss_sent_ms"` // when that probe was sent (the last hit was answered before)
	Err       string  `json:"error,omitempty"`
}

// get fetches u (body discarded, bounded) and returns its X-Cache.
func (f *fleet) get(ctx context.Context, u string) (string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := f.probe.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("GET %s: HTTP status %d", u, resp.StatusCode)
	}
	return resp.Header.Get("X-Cache"), b, nil
}

// firstURI is the first non-comment line of a playlist, resolved against base.
func firstURI(base string, playlist []byte) (string, error) {
	us, err := uris(base, playlist, 1)
	if err != nil {
		return "", err
	}
	return us[0], nil
}

// uris are the first n (at most) URI lines of a playlist, as paths
// resolved against base; none is an error.
func uris(base string, playlist []byte, n int) ([]string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(playlist))
	for sc.Scan() && len(out) < n {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		r, err := b.Parse(l)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Path)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no URI in the playlist", base)
	}
	return out, nil
}

// probePaths are n objects players no longer ask for (the two oldest
// segments of each rendition's window), one per edge probed. Only the
// probes touch them, and no two edges probe the same key: with peering an
// owner refilling a key for a member's probe would otherwise answer its own
// probe of that key coalesced ("Hit") although it did miss.
func (f *fleet) probePaths(ctx context.Context, e node, n int) ([]string, error) {
	master := "http://" + edgeHost(e) + f.o.Stream
	_, body, err := f.get(ctx, master)
	if err != nil {
		return nil, err
	}
	media, err := uris(master, body, 16)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range media {
		mediaURL := "http://" + edgeHost(e) + m
		_, body, err = f.get(ctx, mediaURL)
		if err != nil {
			return nil, err
		}
		segs, err := uris(mediaURL, body, 2)
		if err != nil {
			return nil, err
		}
		out = append(out, segs...)
	}
	if len(out) < n {
		return nil, fmt.Errorf("%d old segments for %d edges to probe", len(out), n)
	}
	return out[:n], nil
}

// invalidateAll invalidates /live/* on the shield (when it is a
// streamedge) and every live edge at once (the request `streamedge invalidate` sends, to each one's admin
// listener inside its namespace) and probes each edge for a cached segment until it misses.
func (f *fleet) invalidateAll(ctx context.Context, edges []node) ([]invalResult, error) {
	if len(edges) == 0 {
		return nil, fmt.Errorf("no live edge to invalidate")
	}
	segs, err := f.probePaths(ctx, edges[0], len(edges))
	if err != nil {
		return nil, fmt.Errorf("probe objects: %w", err)
	}
	res := make([]invalResult, len(edges))
	for i, e := range edges {
		res[i].Node, res[i].Object = e.Name, segs[i]
		u := "http://" + edgeHost(e) + segs[i]
		for range 2 { // fill, then the hit
			if res[i].Before, _, err = f.get(ctx, u); err != nil {
				return nil, fmt.Errorf("probe %s before: %w", e.Name, err)
			}
		}
		if !isHit(res[i].Before) {
			return nil, fmt.Errorf("probe %s: %s twice is %q, not a hit", e.Name, segs[i], res[i].Before)
		}
	}
	if f.onNATS() {
		fi, err := f.invalidateFleet(ctx, edges, res, segs)
		f.fleetInv = fi
		return res, err
	}
	start := time.Now()
	var wg sync.WaitGroup
	shieldErr := make(chan error, 1)
	if f.o.Shield == "streamedge" { // a peer shield (nginx, Varnish) keeps its copies
		wg.Go(func() { _, err := f.invalidate(ctx, f.shield); shieldErr <- err })
	} else {
		shieldErr <- nil
	}
	for i, e := range edges {
		wg.Go(func() {
			d, err := f.invalidate(ctx, e)
			res[i].AppliedMS = ms(d)
			if err != nil {
				res[i].Err = err.Error()
			}
		})
		wg.Go(func() {
			res[i].After, res[i].SentMS, res[i].MissMS = f.probeUntilMiss(ctx, "http://"+edgeHost(e)+segs[i], start)
		})
	}
	wg.Wait()
	if err := <-shieldErr; err != nil {
		return res, fmt.Errorf("shield: %w", err)
	}
	return res, nil
}

func isHit(xcache string) bool { return strings.HasPrefix(xcache, "Hit ") }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// invalidate sends node n the request `streamedge invalidate -admin
// 127.0.0.1:9090 '/live/*'` sends (POST /invalidations on its admin
// listener, from inside its namespace) and returns how long the edge took
// to answer 201.
func (f *fleet) invalidate(ctx context.Context, n node) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+adminAddr+"/invalidations", strings.NewReader(`{"paths":["/live/*"]}`))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.admin[n.Name].Do(req)
	if err != nil {
		return time.Since(start), fmt.Errorf("%s: invalidate: %w", n.Name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated {
		return time.Since(start), fmt.Errorf("%s: invalidate: %s: %s", n.Name, resp.Status, bytes.TrimSpace(b))
	}
	return time.Since(start), nil
}

// probeUntilMiss GETs u every 10 ms until its X-Cache is not a hit, for at
// most 3 s; it returns that X-Cache and when, since start, the probe was
// sent and answered (-1: none missed).
func (f *fleet) probeUntilMiss(ctx context.Context, u string, start time.Time) (string, float64, float64) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	for {
		sent := ms(time.Since(start))
		xc, _, err := f.get(ctx, u)
		if err == nil && !isHit(xc) {
			return xc, sent, ms(time.Since(start))
		}
		select {
		case <-ctx.Done():
			return xc, -1, -1
		case <-time.After(10 * time.Millisecond):
		}
	}
}
