package byterange

import (
	"net/http"
	"strings"
)

// IfRangeMatches reports whether a Range request may be honoured given its
// If-Range value and the stored validators (RFC 9110 §13.1.5): an entity tag
// must match strongly; a date must equal Last-Modified exactly. An empty
// If-Range always matches.
func IfRangeMatches(ifRange, etag, lastModified string) bool {
	ifRange = strings.TrimSpace(ifRange)
	if ifRange == "" {
		return true
	}
	if strings.HasPrefix(ifRange, `"`) || strings.HasPrefix(ifRange, "W/") {
		return etag != "" && !strings.HasPrefix(etag, "W/") && ifRange == etag
	}
	t, err := http.ParseTime(ifRange)
	if err != nil || lastModified == "" {
		return false
	}
	lm, err := http.ParseTime(lastModified)
	return err == nil && t.Equal(lm)
}
