package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseAttrs parses an HLS attribute list (RFC 8216 §4.2):
// NAME=value pairs separated by commas, values quoted or not. Quotes are
// removed from quoted values.
func parseAttrs(s string) (map[string]string, error) {
	attrs := make(map[string]string)
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("attribute list: missing name= in %q", s)
		}
		name := strings.TrimSpace(s[:eq])
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("attribute %s: unterminated quoted string", name)
			}
			val, s = s[1:1+end], s[2+end:]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		attrs[name] = val
		s = strings.TrimLeft(s, " ")
		if s != "" && s[0] != ',' {
			return nil, fmt.Errorf("attribute %s: junk after value: %q", name, s)
		}
		s = strings.TrimPrefix(s, ",")
	}
	return attrs, nil
}

// parseByteRange parses "n[@o]"; hasOff reports whether o was present.
func parseByteRange(s string) (r ByteRange, hasOff bool, err error) {
	n, o, hasOff := strings.Cut(s, "@")
	r.Len, err = strconv.ParseInt(n, 10, 64)
	if err != nil || r.Len <= 0 {
		return r, false, fmt.Errorf("byte range %q: bad length", s)
	}
	if hasOff {
		r.Off, err = strconv.ParseInt(o, 10, 64)
		if err != nil || r.Off < 0 || r.Off > math.MaxInt64-r.Len {
			return r, false, fmt.Errorf("byte range %q: bad offset", s)
		}
	}
	return r, hasOff, nil
}

// parseSeconds parses a non-negative decimal number of seconds.
func parseSeconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e6 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}
