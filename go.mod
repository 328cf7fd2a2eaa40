module github.com/streamedge/streamedge

go 1.26.8

require (
	github.com/VictoriaMetrics/fastcache v1.13.2 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/golang/snappy v1.0.0 // indirect
	github.com/grafov/m3u8 v0.12.1 // indirect
	github.com/prometheus/client_golang v1.25.0 // indirect
	github.com/zencoder/go-dash/v3 v3.0.3 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
