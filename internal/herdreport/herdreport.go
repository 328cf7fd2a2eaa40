// Package herdreport is the JSON contract between bench/herd, which runs a
// cold herd and writes the report, and bench/sidebyside, which reads it into
// the side-by-side table. Times are milliseconds from the release of all
// requests, per client: the first body byte (what a player can use) and
// the last byte (the body complete and verified) are the results; the
// first response byte (the status line) is kept for reference only, since a
// server that sends its headers early and the body late looks fast there.
package herdreport

// Report is one herd's result.
type Report struct {
	URL            string         `json:"url"`
	Clients        int            `json:"clients"`
	OK             int            `json:"ok"` // 200 with a complete body
	Errors         int            `json:"errors"`
	ErrorKinds     map[string]int `json:"error_kinds"`
	Statuses       map[string]int `json:"statuses"`
	CacheHeaders   map[string]int `json:"cache_headers"`
	DistinctBodies int            `json:"distinct_bodies"` // CRC-32C of the 200 bodies; 1 = all identical
	BodyBytes      int64          `json:"body_bytes"`
	HeaderMS       Dist           `json:"header_ms"`          // first response byte (status line): reference only
	FirstBodyMS    Dist           `json:"first_body_byte_ms"` // first non-empty read of the body
	TotalMS        Dist           `json:"total_ms"`           // last byte: body complete, length checked
	ConnectAllMS   float64        `json:"connect_all_ms"`     // opening every connection, before the release
	WallMS         float64        `json:"wall_ms"`            // release to the last client done
}

// Dist summarizes the successful clients' times.
type Dist struct {
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}
