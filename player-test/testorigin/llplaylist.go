package testorigin

import (
	"fmt"
	"strings"
	"time"
)

// skipMode is the _HLS_skip delivery directive.
type skipMode int

const (
	skipNone skipMode = iota
	skipYes           // _HLS_skip=YES: segments before the skip boundary
	skipV2            // _HLS_skip=v2: also their EXT-X-DATERANGE tags
)

// llPlaylistAt renders the LL-HLS media playlist of r as it is at now
// (rfc8216bis §4.4.3.7–8, §4.4.4.9, §4.4.5.2–4, §6.2.5.1).
func (s *llStream) llPlaylistAt(r *llRendition, now time.Time, skip skipMode) []byte {
	n, have := s.edge(r, now)
	first := max(0, n-llWindow)
	skipped := 0
	if skip != skipNone {
		skipped = s.skippable(r, first, n, have)
	}
	var b strings.Builder
	version := 9
	if skip == skipV2 {
		version = 10
	}
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n", version, int(segDur/time.Second))
	fmt.Fprintf(&b, "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=%s,CAN-SKIP-UNTIL=%s,CAN-SKIP-DATERANGES=YES\n",
		secs(3*s.partTarget), secs(llSkipUntil))
	fmt.Fprintf(&b, "#EXT-X-PART-INF:PART-TARGET=%s\n", secs(s.partTarget))
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init.mp4\"\n", first)
	if skipped > 0 {
		fmt.Fprintf(&b, "#EXT-X-SKIP:SKIPPED-SEGMENTS=%d\n", skipped)
	}
	if skip == skipYes {
		for msn := first; msn < first+int64(skipped); msn++ {
			s.writeDateRange(&b, r, msn)
		}
	}
	for msn := first + int64(skipped); msn < n; msn++ {
		s.writeSegment(&b, r, msn, len(r.partsOf(msn)), msn >= n-llPartsKept)
	}
	if have > 0 {
		s.writeSegment(&b, r, n, have, true)
	}
	fmt.Fprintf(&b, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"%s\"\n", partName(n, have))
	s.writeReports(&b, r, now)
	return []byte(b.String())
}

// skippable counts the leading segments that end more than CAN-SKIP-UNTIL
// before the end of the playlist (the Skip Boundary).
func (s *llStream) skippable(r *llRendition, first, n int64, have int) int {
	var tail time.Duration
	for k := range have {
		tail += r.partsOf(n)[k].dur
	}
	skipped := 0
	for msn := n - 1; msn >= first; msn-- {
		if tail > llSkipUntil {
			skipped++
		}
		tail += segDuration(r, msn)
	}
	return skipped
}

// writeSegment writes segment msn's PROGRAM-DATE-TIME, DATERANGE and, if
// withParts, its first parts; complete (all parts) also writes EXTINF+URI.
func (s *llStream) writeSegment(b *strings.Builder, r *llRendition, msn int64, parts int, withParts bool) {
	fmt.Fprintf(b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", xsDateTime(s.clock.mediaStart(r.rendition, msn)))
	s.writeDateRange(b, r, msn)
	all := r.partsOf(msn)
	for k := 0; withParts && k < parts; k++ {
		ind := ""
		if all[k].independent {
			ind = ",INDEPENDENT=YES"
		}
		fmt.Fprintf(b, "#EXT-X-PART:DURATION=%s,URI=\"%s\"%s\n", secs(all[k].dur), partName(msn, k), ind)
	}
	if parts == len(all) {
		fmt.Fprintf(b, "#EXTINF:%s,\n%s\n", secs(segDuration(r, msn)), segName(msn, "%d", true))
	}
}

// writeDateRange writes the EXT-X-DATERANGE that every llDateRanges-th
// segment carries (a 2 s range at its start).
func (s *llStream) writeDateRange(b *strings.Builder, r *llRendition, msn int64) {
	if msn%llDateRanges != 0 {
		return
	}
	fmt.Fprintf(b, "#EXT-X-DATERANGE:ID=\"%s\",START-DATE=\"%s\",DURATION=%s\n",
		dateRangeID(msn), xsDateTime(s.clock.mediaStart(r.rendition, msn)), secs(segDur))
}

func dateRangeID(msn int64) string { return fmt.Sprintf("seg-%d", msn) }

// writeReports writes an EXT-X-RENDITION-REPORT for every other rendition
// of the same media type (the renditions a player may switch to).
func (s *llStream) writeReports(b *strings.Builder, r *llRendition, now time.Time) {
	if r == s.audio {
		return
	}
	for _, o := range s.video {
		if o == r {
			continue
		}
		msn, part := s.lastPart(o, now)
		fmt.Fprintf(b, "#EXT-X-RENDITION-REPORT:URI=\"../%s/index.m3u8\",LAST-MSN=%d,LAST-PART=%d\n", o.name, msn, part)
	}
}

// lastPart is the newest published part of r.
func (s *llStream) lastPart(r *llRendition, now time.Time) (msn int64, part int) {
	n, have := s.edge(r, now)
	if have > 0 {
		return n, have - 1
	}
	return n - 1, len(r.partsOf(n-1)) - 1
}

// segDuration is the media duration of segment msn (the sum of its parts).
func segDuration(r *llRendition, msn int64) time.Duration {
	parts := r.partsOf(msn)
	return parts[len(parts)-1].end
}

func partName(msn int64, k int) string { return fmt.Sprintf("seg_%d.part_%d.m4s", msn, k) }

// secs formats d as decimal seconds with millisecond precision.
func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
