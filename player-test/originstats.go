package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// originProbe reads the test origin's /_stats (JSON with a top-level
// "requests" count) and can POST its /_reset.
type originProbe struct {
	client   *http.Client
	statsURL string
}

// start optionally resets the origin, then returns the request count to
// subtract after the run.
func (p *originProbe) start(ctx context.Context, reset bool) (int64, error) {
	if reset {
		if err := p.reset(ctx); err != nil {
			return 0, err
		}
	}
	return p.requests(ctx)
}

func (p *originProbe) requests(ctx context.Context) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.statsURL, nil)
	if err != nil {
		return 0, fmt.Errorf("origin stats: %w", err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("origin stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("origin stats %s: HTTP status %d", p.statsURL, resp.StatusCode)
	}
	var st struct {
		Requests *int64 `json:"requests"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&st); err != nil {
		return 0, fmt.Errorf("origin stats %s: %w", p.statsURL, err)
	}
	if st.Requests == nil {
		return 0, fmt.Errorf("origin stats %s: no \"requests\" field", p.statsURL)
	}
	return *st.Requests, nil
}

// resetURL derives /_reset from the /_stats URL.
func resetURL(statsURL string) (string, error) {
	u, err := url.Parse(statsURL)
	if err != nil {
		return "", fmt.Errorf("origin stats URL: %w", err)
	}
	base, ok := strings.CutSuffix(u.Path, "/_stats")
	if !ok {
		return "", fmt.Errorf("-reset-origin: %s does not end in /_stats", statsURL)
	}
	u.Path = base + "/_reset"
	u.RawQuery = ""
	return u.String(), nil
}

func (p *originProbe) reset(ctx context.Context) error {
	ru, err := resetURL(p.statsURL)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ru, nil)
	if err != nil {
		return fmt.Errorf("origin reset: %w", err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("origin reset: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("origin reset %s: HTTP status %d", ru, resp.StatusCode)
	}
	return nil
}
