package variant

import (
	"strconv"
	"strings"
)

// Encoding classes: the only Accept-Encoding values the edge keys on.
const (
	Identity = ""
	Gzip     = "gzip"
	Brotli   = "br"
	Zstd     = "zstd"
)

// Classes are the encoding classes, identity first (an array: the
// caller's own copy).
func Classes() [4]string { return [...]string{Identity, Gzip, Brotli, Zstd} }

// Class reduces an Accept-Encoding header to the one coding the edge keys on
// and forwards: "br", "zstd", "gzip" or "" (identity), preferred in that
// order (br first, as CloudFront; zstd before gzip, as a client naming zstd
// asks for it). Reducing it keeps the number of encoding variants of an
// object at four whatever clients send, and keeps odd Accept-Encoding values
// from reaching the origin on a shared fill.
func Class(acceptEncoding string) string {
	if acceptEncoding == "" || len(acceptEncoding) > 512 {
		return Identity
	}
	br, gzip, zstd := false, false, false
	for part := range strings.SplitSeq(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !qPositive(params) {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gzip = true
		case "zstd":
			zstd = true
		}
	}
	switch {
	case br:
		return Brotli
	case zstd:
		return Zstd
	case gzip:
		return Gzip
	}
	return Identity
}

func qPositive(params string) bool {
	params = strings.TrimSpace(params)
	if params == "" {
		return true
	}
	name, v, ok := strings.Cut(params, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
		return true
	}
	q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return err == nil && q > 0
}

// FillAcceptEncoding is the Accept-Encoding a fill for class sends the origin.
func FillAcceptEncoding(class string) string {
	switch class {
	case Brotli:
		return "br, gzip"
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	}
	return "identity"
}

// Acceptable reports whether a client of class can read a body with this
// Content-Encoding list as is. Anything else is decoded before it is stored
// for the class: an identity client always gets an identity body, a gzip
// client never gets br or zstd, a zstd client only zstd.
func Acceptable(class, contentEncoding string) bool {
	for c := range strings.SplitSeq(contentEncoding, ",") {
		switch strings.ToLower(strings.TrimSpace(c)) {
		case "", "identity":
		case "gzip", "x-gzip":
			if class != Gzip && class != Brotli {
				return false
			}
		case "br":
			if class != Brotli {
				return false
			}
		case "zstd":
			if class != Zstd {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Encoded reports whether a Content-Encoding value names any coding.
func Encoded(contentEncoding string) bool {
	for c := range strings.SplitSeq(contentEncoding, ",") {
		if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "identity") {
			return true
		}
	}
	return false
}
