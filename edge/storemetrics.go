package edge

import "github.com/prometheus/client_golang/prometheus"

// storeCollectors export the store's own figures (fastcache stats plus the
// store's counters), read at scrape time.
func storeCollectors(h *Handler) []prometheus.Collector {
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	counter := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f)
	}
	st := h.store
	return []prometheus.Collector{
		gauge("streamedge_cache_bytes", "Bytes held by the cache.", func() float64 { return float64(st.Stats().Bytes) }),
		gauge("streamedge_cache_max_bytes", "The cache's bound (-cache-size).", func() float64 { return float64(st.Stats().MaxBytes) }),
		gauge("streamedge_cache_entries", "Entries (and body chunks) held by the cache.", func() float64 { return float64(st.Stats().Entries) }),
		counter("streamedge_cache_evicted_bytes_total", "Bytes overwritten by FIFO eviction (bytes written minus bytes resident).",
			func() float64 { return float64(st.Stats().EvictedBytes) }),
		counter("streamedge_cache_reinserts_total", "Hot entries re-inserted so FIFO eviction spares them.",
			func() float64 { return float64(st.Stats().Reinserts) }),
		counter("streamedge_cache_hot_reinserts_total", "Re-inserts written from the hot layer's copy (hits that never read fastcache).",
			func() float64 { return float64(st.Stats().HotReinserts) }),
		counter("streamedge_cache_lookups_total", "Store lookups.", func() float64 { return float64(st.Stats().Gets) }),
		counter("streamedge_cache_lookup_misses_total", "Store lookups that found nothing usable.", func() float64 { return float64(st.Stats().Misses) }),
		gauge("streamedge_cache_hot_bytes", "Bytes of the hot layer (most used entries served without a copy).",
			func() float64 { return float64(st.Stats().HotBytes) }),
		gauge("streamedge_cache_hot_entries", "Entries in the hot layer.", func() float64 { return float64(st.Stats().HotEntries) }),
		counter("streamedge_cache_hot_hits_total", "Lookups served from the hot layer.", func() float64 { return float64(st.Stats().HotHits) }),
		counter("streamedge_cache_hot_evictions_total", "Entries evicted from the hot layer (CLOCK).",
			func() float64 { return float64(st.Stats().HotEvictions) }),
		gauge("streamedge_cache_hit_copy_bytes", "Bytes of the shared hit copies outside the hot layer (bounded; what slow readers can pin).",
			func() float64 { return float64(st.Stats().SharedBytes) }),
		gauge("streamedge_cache_hit_copies", "Shared hit copies held (one per stored value being read).",
			func() float64 { return float64(st.Stats().SharedEntries) }),
		counter("streamedge_cache_hit_copy_joins_total", "Hits served from a copy another reader already held (no copy made).",
			func() float64 { return float64(st.Stats().SharedJoins) }),
		counter("streamedge_cache_hit_copies_refused_total", "Hits turned into misses because a new copy would exceed the hit-copy bound.",
			func() float64 { return float64(st.Stats().SharedRefused) }),
		counter("streamedge_cache_corrupt_total", "Entries found corrupt or of another version (treated as misses).",
			func() float64 { return float64(st.Stats().Corrupt) }),
	}
}
