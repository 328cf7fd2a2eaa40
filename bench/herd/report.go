package main

import (
	"github.com/streamedge/streamedge/internal/herdreport"
	"slices"
	"strconv"
	"time"
)

type (
	report = herdreport.Report
	dist   = herdreport.Dist
)

func summarize(u string, rs []result) report {
	rep := report{URL: u, Clients: len(rs), ErrorKinds: map[string]int{},
		Statuses: map[string]int{}, CacheHeaders: map[string]int{}}
	crcs := map[uint32]bool{}
	var header, firstBody, total []time.Duration
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
		header, firstBody, total = append(header, r.header), append(firstBody, r.firstBody), append(total, r.total)
	}
	rep.DistinctBodies = len(crcs)
	rep.HeaderMS, rep.FirstBodyMS, rep.TotalMS = distOf(header), distOf(firstBody), distOf(total)
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
