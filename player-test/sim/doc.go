// Package sim is an HLS and DASH player simulator for load-testing the
// streamedge edge cache.
//
// Each simulated player runs in wall time: it loads the manifest, picks a
// rendition with a throughput-based ABR rule, fetches segments in order,
// reloads live playlists at the cadence RFC 8216 §6.3.4 prescribes (HLS) or
// every MPD@minimumUpdatePeriod (DASH), and keeps a buffer model that
// records startup time and stalls. All players report into one Metrics value
// (atomic counters and lock-free histograms) from which a Report is built.
package sim
