package livewindow

import (
	"strconv"
	"strings"
)

// maxNumberURI bounds the URIs NextByNumber reads.
const maxNumberURI = 8 << 10

// NextByNumber is the URI of the segment after the one at uri, whose Media
// Sequence Number is msn, when its name carries that number: the last run
// of decimal digits in its path equal to msn is replaced by msn+1, keeping
// a zero-padded width (seg_00041.ts → seg_00042.ts). The query is kept as
// it is. A URI without such a run has no guessable successor.
func NextByNumber(uri string, msn uint64) (string, bool) {
	if len(uri) > maxNumberURI || msn == ^uint64(0) {
		return "", false
	}
	path, query, hasQuery := strings.Cut(uri, "?")
	want := strconv.FormatUint(msn, 10)
	for end := len(path); end > 0; {
		for end > 0 && !isDigit(path[end-1]) {
			end--
		}
		start := end
		for start > 0 && isDigit(path[start-1]) {
			start--
		}
		if start == end {
			break
		}
		if run := path[start:end]; strings.TrimLeft(run, "0") == strings.TrimLeft(want, "0") {
			next := strconv.FormatUint(msn+1, 10)
			if len(run) > len(want) { // zero-padded
				next = strings.Repeat("0", max(0, len(run)-len(next))) + next
			}
			out := path[:start] + next + path[end:]
			if hasQuery {
				out += "?" + query
			}
			return out, true
		}
		end = start
	}
	return "", false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
