package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// groupFailovers is an edge's streamedge_origin_failovers_total summed over
// the reasons for fills moved off the shield (the origin group's primary):
// the edge's own account of the shield kill.
func (f *fleet) groupFailovers(ctx context.Context, n node) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+adminAddr+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := f.admin[n.Name].Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s /metrics: %w", n.Name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s /metrics: HTTP status %d", n.Name, resp.StatusCode)
	}
	return sumMetric(io.LimitReader(resp.Body, 16<<20), "streamedge_origin_failovers_total", `origin="shield"`)
}

// sumMetric adds the values of the Prometheus text-format samples of name
// whose labels contain label.
func sumMetric(r io.Reader, name, label string) (float64, error) {
	var sum float64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, name+"{") || !strings.Contains(l, label) {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", l, err)
		}
		sum += v
	}
	return sum, sc.Err()
}
