package main

import (
	"slices"
	"strconv"
	"time"
)

// report is the herd's JSON output. Times are milliseconds from the
// release of all requests.
type report struct {
	URL            string         `json:"url"`
	Clients        int            `json:"clients"`
	OK             int            `json:"ok"` // 200 with a complete body
	Errors         int            `json:"errors"`
	ErrorKinds     map[string]int `json:"error_kinds"`
	Statuses       map[string]int `json:"statuses"`
	CacheHeaders   map[string]int `json:"cache_headers"`
	DistinctBodies int            `json:"distinct_bodies"` // CRC-32C of the 200 bodies; 1 = all identical
	BodyBytes      int64          `json:"body_bytes"`
	TTFBMS         dist           `json:"ttfb_ms"`
	TotalMS        dist           `json:"total_ms"`
	ConnectAllMS   float64        `json:"connect_all_ms"` // opening every connection, before the release
	WallMS         float64        `json:"wall_ms"`        // release to the last client done
}

// dist summarizes the successful clients' times.
type dist struct {
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func summarize(u string, rs []result) report {
	rep := report{URL: u, Clients: len(rs), ErrorKinds: map[string]int{},
		Statuses: map[string]int{}, CacheHeaders: map[string]int{}}
	crcs := map[uint32]bool{}
	var ttfb, total []time.Duration
	for _, r := range rs {
		rep.BodyBytes += r.bytes
		if r.status != 0 {
			rep.Statuses[strconv.Itoa(r.status)]++
			rep.CacheHeaders[r.cache]++
		}
		if r.errKind != "" || r.status != 200 {
			rep.Errors++
			if r.errKind == "" {
				r.errKind = "status " + strconv.Itoa(r.status)
			}
			rep.ErrorKinds[r.errKind]++
			continue
		}
		rep.OK++
		crcs[r.crc] = true
		ttfb, total = append(ttfb, r.ttfb), append(total, r.total)
	}
	rep.DistinctBodies = len(crcs)
	rep.TTFBMS, rep.TotalMS = distOf(ttfb), distOf(total)
	return rep
}

// distOf uses nearest-rank percentiles.
func distOf(ds []time.Duration) dist {
	if len(ds) == 0 {
		return dist{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		return ms(ds[min(max(i, 0), len(ds)-1)])
	}
	return dist{Min: ms(ds[0]), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ms(ds[len(ds)-1])}
}
