package llhls

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// State is what the hold rules read of a media playlist: where its last
// segment and its newest part are, its target durations and whether it
// ended.
type State struct {
	TargetDuration time.Duration
	PartTarget     time.Duration
	LastMSN        int64 // MSN of the last complete segment; -1 when none
	PartMSN        int64 // MSN of the newest EXT-X-PART; -1 when none
	PartIndex      int   // its index within its segment
	Ended          bool  // EXT-X-ENDLIST
	Hints          []string
}

// maxHints bounds the preload hints kept per playlist (the spec allows one
// per TYPE).
const maxHints = 4

// ParseState scans a media playlist. ok is false for anything else (a
// multivariant playlist, a body without #EXTM3U or without a target
// duration). It never panics; callers bound the body.
func ParseState(body []byte) (s State, ok bool) {
	if !bytes.HasPrefix(body, []byte("#EXTM3U")) {
		return State{}, false
	}
	s.LastMSN, s.PartMSN = -1, -1
	var seq int64 // MSN of the next segment
	parts := 0    // parts listed so far for segment seq
	for len(body) > 0 {
		var line []byte
		line, body, _ = bytes.Cut(body, []byte("\n"))
		l := string(bytes.TrimSpace(line))
		switch {
		case l == "":
		case !strings.HasPrefix(l, "#"): // a segment URI
			s.LastMSN, seq, parts = seq, seq+1, 0
		case strings.HasPrefix(l, "#EXT-X-STREAM-INF"):
			return State{}, false
		default:
			seq, parts = s.tag(l, seq, parts)
		}
	}
	if s.TargetDuration <= 0 {
		return State{}, false
	}
	return s, true
}

// tag reads one tag line; it returns the next segment's MSN and the parts
// listed for it so far.
func (s *State) tag(l string, seq int64, parts int) (int64, int) {
	name, value, _ := strings.Cut(l, ":")
	switch name {
	case "#EXT-X-TARGETDURATION":
		if n, err := strconv.ParseInt(value, 10, 32); err == nil && n > 0 {
			s.TargetDuration = time.Duration(n) * time.Second
		}
	case "#EXT-X-MEDIA-SEQUENCE":
		if n, err := strconv.ParseInt(value, 10, 63); err == nil && n >= 0 {
			seq = n
		}
	case "#EXT-X-SKIP":
		if n, err := strconv.ParseInt(attr(value, "SKIPPED-SEGMENTS"), 10, 32); err == nil && n > 0 {
			seq += n
		}
	case "#EXT-X-PART-INF":
		s.PartTarget = seconds(attr(value, "PART-TARGET"))
	case "#EXT-X-PART":
		s.PartMSN, s.PartIndex = seq, parts
		parts++
	case "#EXT-X-PRELOAD-HINT":
		if uri := attr(value, "URI"); uri != "" && len(s.Hints) < maxHints {
			s.Hints = append(s.Hints, uri)
		}
	case "#EXT-X-ENDLIST":
		s.Ended = true
	}
	return seq, parts
}

// attr returns one attribute of an attribute list (quotes removed).
func attr(list, name string) string {
	for list != "" {
		var kv string
		if i := attrEnd(list); i >= 0 {
			kv, list = list[:i], list[i+1:]
		} else {
			kv, list = list, ""
		}
		k, v, _ := strings.Cut(kv, "=")
		if strings.TrimSpace(k) == name {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// attrEnd is the index of the comma ending the first attribute, skipping
// commas inside quotes; -1 when it is the last.
func attrEnd(list string) int {
	quoted := false
	for i := 0; i < len(list); i++ {
		switch list[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

func seconds(v string) time.Duration {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || f > 3600 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// Has reports whether the playlist satisfies a blocking request: it
// contains segment d.MSN (or a later one), or, with _HLS_part, part d.Part
// of d.MSN or a later part (a part past the last of segment d.MSN is part 0
// of the next, §6.2.5.2).
func (s State) Has(d Directives) bool {
	if !d.HasPart {
		return s.LastMSN >= d.MSN
	}
	switch {
	case s.LastMSN > d.MSN, s.PartMSN > d.MSN:
		return true
	case s.PartMSN == d.MSN:
		return s.PartIndex >= d.Part
	}
	// Segment d.MSN complete without its parts listed: every part it has
	// exists (the rule for a part past its last is the origin's to apply).
	return s.LastMSN == d.MSN && s.PartMSN < d.MSN
}

// TooFar reports whether a blocking request asks for more than two segments
// past the playlist's last (§6.2.5.2: SHOULD 400). age is how old the
// playlist is: each target duration begun since it was fetched allows one
// more segment (the origin may have published it), so an edge with an older
// copy never refuses a valid request.
func (s State) TooFar(d Directives, age time.Duration) bool {
	if !d.HasMSN || s.Ended {
		return false
	}
	ahead := int64(2)
	if s.TargetDuration > 0 && age > 0 {
		ahead += int64((age + s.TargetDuration - 1) / s.TargetDuration)
	}
	return d.MSN > s.LastMSN+ahead
}

// Newer reports whether s is a later playlist than o: more segments, more
// parts of the segment in progress, or newly ended.
func (s State) Newer(o State) bool {
	switch {
	case s.LastMSN != o.LastMSN:
		return s.LastMSN > o.LastMSN
	case s.PartMSN != o.PartMSN:
		return s.PartMSN > o.PartMSN
	case s.PartIndex != o.PartIndex:
		return s.PartIndex > o.PartIndex
	}
	return s.Ended && !o.Ended
}

// HoldLimit is how long a blocking request may wait: three target
// durations (§6.2.5.2: then 503), or fallback when the target duration is
// unknown.
func (s State) HoldLimit(fallback time.Duration) time.Duration {
	if s.TargetDuration <= 0 {
		return fallback
	}
	return 3 * s.TargetDuration
}
