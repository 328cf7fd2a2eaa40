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
	sc := bufio.NewScanner(bytes.NewReader(playlist))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		b, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		r, err := b.Parse(l)
		if err != nil {
			return "", err
		}
		return r.Path, nil
	}
	return "", fmt.Errorf("%s: no URI in the playlist", base)
}

// probePath is an object players no longer ask for (the oldest segment of
// the first rendition's window), so only the probe's own requests touch
// it: a player's refill cannot turn the probe's miss into a hit.
func (f *fleet) probePath(ctx context.Context, e node) (string, error) {
	master := "http://" + edgeHost(e) + f.o.Stream
	_, body, err := f.get(ctx, master)
	if err != nil {
		return "", err
	}
	media, err := firstURI(master, body)
	if err != nil {
		return "", err
	}
	mediaURL := "http://" + edgeHost(e) + media
	_, body, err = f.get(ctx, mediaURL)
	if err != nil {
		return "", err
	}
	return firstURI(mediaURL, body)
}

// invalidateAll invalidates /live/* on the shield (when it is a
// streamedge) and every live edge at once (the request `streamedge invalidate` sends, to each one's admin
// listener inside its namespace) and probes each edge for a cached segment until it misses.
func (f *fleet) invalidateAll(ctx context.Context, edges []node) ([]invalResult, error) {
	if len(edges) == 0 {
		return nil, fmt.Errorf("no live edge to invalidate")
	}
	seg, err := f.probePath(ctx, edges[0])
	if err != nil {
		return nil, fmt.Errorf("probe object: %w", err)
	}
	res := make([]invalResult, len(edges))
	for i, e := range edges {
		res[i].Node = e.Name
		u := "http://" + edgeHost(e) + seg
		for range 2 { // fill, then the hit
			if res[i].Before, _, err = f.get(ctx, u); err != nil {
				return nil, fmt.Errorf("probe %s before: %w", e.Name, err)
			}
		}
		if !isHit(res[i].Before) {
			return nil, fmt.Errorf("probe %s: %s twice is %q, not a hit", e.Name, seg, res[i].Before)
		}
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
			res[i].After, res[i].SentMS, res[i].MissMS = f.probeUntilMiss(ctx, "http://"+edgeHost(e)+seg, start)
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
