package testorigin

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

const llBase = "/live/llhls/"

// llGet fetches an LL-HLS resource from the origin's test server.
func llGet(t *testing.T, srv string, path string) (*http.Response, []byte) {
	t.Helper()
	return fetch(t, srv+llBase+path)
}

var hintRE = regexp.MustCompile(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_(\d+)\.part_(\d+)\.m4s"`)

// hinted returns the MSN and part index of a playlist's preload hint.
func hinted(t *testing.T, pl []byte) (int64, int) {
	t.Helper()
	m := hintRE.FindSubmatch(pl)
	if m == nil {
		t.Fatalf("no preload hint in\n%s", pl)
	}
	msn, _ := strconv.ParseInt(string(m[1]), 10, 64)
	k, _ := strconv.Atoi(string(m[2]))
	return msn, k
}

func TestLLPlaylistsParseWithTheEdgeParser(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(21*time.Second + 700*time.Millisecond) // a long window, mid-segment
	for _, p := range []string{"master.m3u8", "240p/index.m3u8", "audio/index.m3u8",
		"360p/index.m3u8?_HLS_skip=YES", "480p/index.m3u8?_HLS_skip=v2"} {
		resp, body := llGet(t, srv.URL, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, body)
		}
		info, err := manifest.Parse(manifest.HLS, body)
		if err != nil {
			t.Fatalf("%s: %v\n%s", p, err, body)
		}
		if p != "master.m3u8" && (!info.Live || info.TargetDuration != 2*time.Second) {
			t.Errorf("%s: %+v, want live with TD 2s", p, info)
		}
	}
}

func TestLLPlaylistFollowsPartRules(t *testing.T) {
	clk := newFakeClock()
	o, srv := start(t, Options{Now: clk.Now})
	clk.Advance(30*time.Second + 1100*time.Millisecond)
	_, body := llGet(t, srv.URL, "240p/index.m3u8")
	pt := o.ll.partTarget
	for _, want := range []string{
		"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=" + secs(3*pt) + ",CAN-SKIP-UNTIL=12.000",
		"#EXT-X-PART-INF:PART-TARGET=" + secs(pt),
		`#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=`,
		`#EXT-X-RENDITION-REPORT:URI="../480p/index.m3u8",LAST-MSN=`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("playlist lacks %q:\n%s", want, body)
		}
	}
	partRE := regexp.MustCompile(`#EXT-X-PART:DURATION=([0-9.]+),URI="([^"]+)"`)
	parts := partRE.FindAllSubmatch(body, -1)
	if len(parts) < 4*llPartsKept {
		t.Fatalf("%d parts listed, want at least %d", len(parts), 4*llPartsKept)
	}
	for _, p := range parts {
		d, _ := strconv.ParseFloat(string(p[1]), 64)
		if d > pt.Seconds() {
			t.Errorf("part %s lasts %.3f > PART-TARGET %s", p[2], d, secs(pt))
		}
		resp, _ := llGet(t, srv.URL, "240p/"+string(p[2]))
		if resp.StatusCode != 200 {
			t.Errorf("listed part %s: %d", p[2], resp.StatusCode)
		}
	}
	if pt < llPartGoal || pt > 3*llPartGoal/2 || pt != pt.Truncate(time.Millisecond) {
		t.Errorf("PART-TARGET %v: want whole milliseconds in 0.5–0.75 s", pt)
	}
}

func TestLLPartsConcatenateToTheSegment(t *testing.T) {
	o := New(Options{})
	for _, r := range append(o.ll.video, o.ll.audio) {
		for i, parts := range r.parts {
			var sum time.Duration
			for k, p := range parts {
				sum += p.dur
				if p.dur > o.ll.partTarget {
					t.Errorf("%s seg %d part %d: %v > PART-TARGET", r.name, i, k, p.dur)
				}
				if k < len(parts)-1 && !p.independent && p.dur < o.ll.partTarget*85/100 {
					t.Errorf("%s seg %d part %d: %v < 85%% of PART-TARGET", r.name, i, k, p.dur)
				}
				tfdt, err := baseDecodeTime(p.data)
				if err != nil {
					t.Fatal(err)
				}
				first, _ := baseDecodeTime(r.segs[i].data)
				if want := first + uint64((sum-p.dur)*time.Duration(r.timescales[1])/time.Second); tfdt != want {
					t.Errorf("%s seg %d part %d: tfdt %d, want %d", r.name, i, k, tfdt, want)
				}
			}
			if d := sum.Seconds() - r.segs[i].dur; d > 0.001 || d < -0.001 {
				t.Errorf("%s seg %d: parts last %v, EXTINF %.3f", r.name, i, sum, r.segs[i].dur)
			}
			if !parts[0].independent {
				t.Errorf("%s seg %d: part 0 does not start with a sync sample", r.name, i)
			}
			if got, want := mdatBytes(t, parts), mdatBytes(t, []llPart{{data: r.segs[i].data}}); got != want {
				t.Errorf("%s seg %d: parts carry %d sample bytes, segment %d", r.name, i, got, want)
			}
		}
	}
}

func mdatBytes(t *testing.T, parts []llPart) int {
	t.Helper()
	n := 0
	for _, p := range parts {
		boxes, err := children(p.data, 0, len(p.data))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range boxes {
			if b.typ == "mdat" {
				n += b.end - b.body
			}
		}
	}
	return n
}

func TestLLBlockingReloadReturnsWhenThePartIsPublished(t *testing.T) {
	o, srv := start(t, Options{})
	_, body := llGet(t, srv.URL, "240p/index.m3u8")
	msn, k := hinted(t, body)
	rend := o.ll.rendition("240p")
	pub := o.ll.published(rend, msn, k)
	path := fmt.Sprintf("240p/index.m3u8?_HLS_msn=%d&_HLS_part=%d", msn, k)
	resp, body := llGet(t, srv.URL, path)
	got := time.Now()
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got.Before(pub) || got.After(pub.Add(llHoldCap)) {
		t.Errorf("answered at %v, part published at %v (cap %v)", got, pub, llHoldCap)
	}
	if want := fmt.Sprintf(`URI="%s"`, partName(msn, k)); !bytes.Contains(body, []byte(want)) {
		t.Errorf("blocking response lacks the part %s:\n%s", want, body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != ccLLBlocking {
		t.Errorf("Cache-Control %q, want %q (6 × TD)", cc, ccLLBlocking)
	}
	if n := o.Stats().Count(llBase + "240p/index.m3u8"); n != 2 {
		t.Errorf("/_stats counts %d playlist requests, want 2", n)
	}
}

func TestLLBlockingReloadForAWholeSegment(t *testing.T) {
	o, srv := start(t, Options{})
	_, body := llGet(t, srv.URL, "audio/index.m3u8")
	msn, _ := hinted(t, body)
	resp, body := llGet(t, srv.URL, fmt.Sprintf("audio/index.m3u8?_HLS_msn=%d", msn))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if !time.Now().After(o.ll.clock.available(msn)) {
		t.Error("answered before the segment was complete")
	}
	if !bytes.Contains(body, []byte(segName(msn, "%d", true)+"\n")) {
		t.Errorf("response lacks segment %d:\n%s", msn, body)
	}
}

func TestLLPreloadHintStreamsThePartWhenPublished(t *testing.T) {
	o, srv := start(t, Options{})
	_, body := llGet(t, srv.URL, "360p/index.m3u8")
	msn, k := hinted(t, body)
	pub := o.ll.published(o.ll.rendition("360p"), msn, k)
	resp, part := llGet(t, srv.URL, "360p/"+partName(msn, k))
	if resp.StatusCode != 200 || time.Now().Before(pub) {
		t.Fatalf("status %d at %v, published %v", resp.StatusCode, time.Now(), pub)
	}
	if resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("held part: Content-Length %d, Transfer-Encoding %v, want chunked", resp.ContentLength, resp.TransferEncoding)
	}
	resp2, again := llGet(t, srv.URL, "360p/"+partName(msn, k))
	if resp2.ContentLength != int64(len(again)) || !bytes.Equal(part, again) {
		t.Errorf("streamed part (%d bytes) differs from the published one (%d bytes)", len(part), len(again))
	}
	if _, err := baseDecodeTime(part); err != nil {
		t.Errorf("streamed part is not moof+mdat: %v", err)
	}
}

func TestLLHintWithAnOpenRangeIsAnsweredWhole(t *testing.T) {
	o, srv := start(t, Options{})
	_, body := llGet(t, srv.URL, "480p/index.m3u8")
	msn, k := hinted(t, body)
	// RFC 8673: a hint without BYTERANGE-LENGTH may be asked as bytes=0-(2^53−1).
	resp, part := fetch(t, srv.URL+llBase+"480p/"+partName(msn, k), "Range", "bytes=0-9007199254740991")
	want, err := o.ll.partBytes(o.ll.rendition("480p"), msn, k)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(part, want) ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-%d/%d", len(want)-1, len(want)) {
		t.Errorf("%d %q, %d bytes; want 206 with the whole %d-byte part", resp.StatusCode,
			resp.Header.Get("Content-Range"), len(part), len(want))
	}
}

func TestLLUnhintedFuturePartIs404(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	resp, _ := llGet(t, srv.URL, "240p/"+partName(9, 0)) // three segments ahead
	if resp.StatusCode != 404 || resp.Header.Get("Cache-Control") != ccLLPartErr {
		t.Errorf("%d %q, want 404 %q", resp.StatusCode, resp.Header.Get("Cache-Control"), ccLLPartErr)
	}
}

// segmentLines splits a playlist into its lines.
func segmentLines(pl []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(pl))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func TestLLDeltaUpdatesMatchTheFullPlaylist(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(40*time.Second + 300*time.Millisecond)
	_, full := llGet(t, srv.URL, "240p/index.m3u8")
	fullLines := segmentLines(full)
	for _, tc := range []struct {
		skip       string
		dateRanges bool // skipped DATERANGEs still present
	}{{"YES", true}, {"v2", false}} {
		_, delta := llGet(t, srv.URL, "240p/index.m3u8?_HLS_skip="+tc.skip)
		m := regexp.MustCompile(`#EXT-X-SKIP:SKIPPED-SEGMENTS=(\d+)\n`).FindSubmatch(delta)
		if m == nil {
			t.Fatalf("%s: no EXT-X-SKIP:\n%s", tc.skip, delta)
		}
		skipped, _ := strconv.Atoi(string(m[1]))
		// Every skipped segment ends more than CAN-SKIP-UNTIL before the end; the first kept one does not.
		if skipped < 5 || skipped > 7 {
			t.Errorf("%s: skipped %d segments of a 12-segment window, want 6±1", tc.skip, skipped)
		}
		kept := fullLines
		for n := 0; n < skipped; {
			if strings.HasPrefix(kept[0], "seg_") {
				n++
			}
			kept = kept[1:]
		}
		deltaLines := segmentLines(delta)
		if tail := deltaLines[len(deltaLines)-len(kept):]; strings.Join(tail, "\n") != strings.Join(kept, "\n") {
			t.Errorf("%s: delta tail differs from the full playlist after %d segments:\n%s\n---\n%s",
				tc.skip, skipped, strings.Join(tail, "\n"), strings.Join(kept, "\n"))
		}
		for msn := int64(0); msn < 100; msn += llDateRanges {
			id := `ID="` + dateRangeID(msn) + `"`
			inFull, inDelta := bytes.Contains(full, []byte(id)), bytes.Contains(delta, []byte(id))
			skippedRange := !bytes.Contains([]byte(strings.Join(kept, "\n")), []byte(id))
			want := inFull && (!skippedRange || tc.dateRanges)
			if inDelta != want {
				t.Errorf("%s: DATERANGE %s in delta = %v, want %v", tc.skip, id, inDelta, want)
			}
		}
	}
}

func TestLLBadDirectivesAre400(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now}) // edge: MSN 0..5 complete, segment 6 in progress
	for _, tc := range []struct{ rule, query, cc string }{
		{"part without msn", "_HLS_part=1", ccLLPlaylistErr},
		{"msn not decimal", "_HLS_msn=abc", ccLLBlockingErr},
		{"msn negative", "_HLS_msn=-1", ccLLBlockingErr},
		{"msn with sign", "_HLS_msn=+7", ccLLBlockingErr},
		{"msn empty", "_HLS_msn=", ccLLBlockingErr},
		{"part not decimal", "_HLS_msn=6&_HLS_part=1.5", ccLLBlockingErr},
		{"msn given twice", "_HLS_msn=6&_HLS_msn=7", ccLLBlockingErr},
		{"msn more than two segments past the end", "_HLS_msn=8", ccLLBlockingErr},
		{"part past the advance part limit", "_HLS_msn=7&_HLS_part=3", ccLLBlockingErr},
		{"skip neither YES nor v2", "_HLS_skip=yes", ccLLPlaylistErr},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			resp, body := llGet(t, srv.URL, "240p/index.m3u8?"+tc.query)
			if resp.StatusCode != 400 || resp.Header.Get("Cache-Control") != tc.cc {
				t.Errorf("%s: %d %q %s, want 400 %q", tc.query, resp.StatusCode, resp.Header.Get("Cache-Control"), body, tc.cc)
			}
		})
	}
}

func TestLLDirectivesForPublishedPartsAnswerAtOnce(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now}) // the clock never moves: a hold would never end
	for _, q := range []string{"_HLS_msn=2", "_HLS_msn=5&_HLS_part=3", "_HLS_msn=4&_HLS_part=9", "_HLS_msn=0&_HLS_skip=YES"} {
		resp, body := llGet(t, srv.URL, "240p/index.m3u8?"+q)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != ccLLBlocking {
			t.Errorf("%s: %d %q %s", q, resp.StatusCode, resp.Header.Get("Cache-Control"), body)
		}
	}
}

func FuzzLLDirectives(f *testing.F) {
	for _, s := range []string{"_HLS_msn=12&_HLS_part=3", "_HLS_part=1", "_HLS_skip=v2", "_HLS_msn=99999999999999999999"} {
		f.Add(s, "seg_12.part_3.m4s")
	}
	f.Fuzz(func(t *testing.T, query, file string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		d, err := parseDirectives(q)
		if err == nil && (d.msn < 0 || d.part < 0 || (d.hasPart && !d.hasMSN)) {
			t.Errorf("%q: accepted %+v", query, d)
		}
		if msn, k, isPart, ok := parsePartName(file); ok {
			name := segName(msn, "%d", true)
			if isPart {
				name = partName(msn, k)
			}
			if name != file {
				t.Errorf("%q parsed as %d/%d, which is %q", file, msn, k, name)
			}
		}
	})
}
