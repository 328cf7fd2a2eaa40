// Package sim is an HLS and DASH player simulator for load-testing the
// streamedge edge cache.
//
// Each simulated player runs in wall time: it loads the manifest, picks a
// rendition with a throughput-based ABR rule, fetches segments in order,
// reloads live playlists at the cadence RFC 8216 §6.3.4 prescribes (HLS) or
// every MPD@minimumUpdatePeriod (DASH), and keeps a buffer model that
// records startup time and stalls. An HLS media playlist with
// EXT-X-PART-INF is played in LL-HLS mode (PlayerConfig.LowLatency): part by
// part from PART-HOLD-BACK behind the live edge, through preload hints and
// blocking reloads (_HLS_msn/_HLS_part), merging delta updates
// (_HLS_skip=YES), with the latency to the live edge in the Report. All players report into one Metrics value
// (atomic counters and lock-free histograms) from which a Report is built.
package sim
