package coding

import "strings"

// CloudFront's bounds on what it compresses: smaller bodies gain nothing, a
// larger one would cost a fill seconds of CPU.
const (
	MinCompressSize = 1_000
	MaxCompressSize = 10_000_000
)

// CompressibleType reports whether a Content-Type is one CloudFront
// compresses (ServingCompressedFiles, "File types that CloudFront
// compresses"): playlists and MPDs, text, JSON/JS/XML, fonts and SVG. Media
// types (video/*, audio/*, images other than SVG) never are.
func CompressibleType(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return compressibleTypes[strings.ToLower(strings.TrimSpace(mt))]
}

var compressibleTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range []string{
		"application/dash+xml", "application/eot", "application/font", "application/font-sfnt",
		"application/javascript", "application/json", "application/opentype", "application/otf",
		"application/pkcs7-mime", "application/protobuf", "application/rss+xml", "application/truetype",
		"application/ttf", "application/vnd.apple.mpegurl", "application/vnd.mapbox-vector-tile",
		"application/vnd.ms-fontobject", "application/wasm", "application/xhtml+xml", "application/xml",
		"application/x-font-opentype", "application/x-font-truetype", "application/x-font-ttf",
		"application/x-httpd-cgi", "application/x-javascript", "application/x-mpegurl",
		"application/x-opentype", "application/x-otf", "application/x-perl", "application/x-ttf",
		"font/eot", "font/opentype", "font/otf", "font/ttf", "image/svg+xml",
		"text/css", "text/csv", "text/html", "text/javascript", "text/js", "text/plain", "text/richtext",
		"text/tab-separated-values", "text/xml", "text/x-component", "text/x-java-source", "text/x-script",
		"vnd.apple.mpegurl",
	} {
		m[t] = true
	}
	return m
}()
