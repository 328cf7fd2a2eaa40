package cachekey

import (
	"strconv"
	"strings"
)

// EncodingClass reduces an Accept-Encoding header to the one coding the edge
// keys on and forwards: "br", "gzip" or "" (identity). Reducing it keeps the
// number of variants of an object at three whatever clients send, and keeps
// odd Accept-Encoding values from reaching the origin on a shared fill.
func EncodingClass(acceptEncoding string) string {
	if acceptEncoding == "" || len(acceptEncoding) > 512 {
		return ""
	}
	br, gzip := false, false
	for _, part := range strings.Split(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !qPositive(params) {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gzip = true
		}
	}
	switch {
	case br:
		return "br"
	case gzip:
		return "gzip"
	}
	return ""
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
