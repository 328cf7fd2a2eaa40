package edge

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// cfOrigin serves a segment (cacheable), a playlist and 404s.
func cfOrigin(t *testing.T) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/live/seg_1.ts":
			w.Header().Set("Content-Type", "video/mp2t")
			w.Header().Set("Cache-Control", "max-age=600")
			_, _ = io.WriteString(w, strings.Repeat("s", 1000))
		case "/live/a b.m3u8":
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=1")
			_, _ = io.WriteString(w, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:2,\nseg_1.ts\n")
		default:
			http.NotFound(w, r)
		}
	})
}

// normalizeCF replaces the fields that differ per run (clock, ids, ports,
// sizes that depend on the client's headers) by their names, after
// checking they have the right shape.
func normalizeCF(t *testing.T, line, edgeHost string) string {
	t.Helper()
	f := strings.Split(line, "\t")
	if len(f) != len(cloudFrontFields) {
		t.Fatalf("%d fields, want %d: %q", len(f), len(cloudFrontFields), line)
	}
	idx := func(name string) int {
		for i, n := range cloudFrontFields {
			if n == name {
				return i
			}
		}
		t.Fatalf("no field %s", name)
		return -1
	}
	check := func(name string, ok func(string) bool) {
		i := idx(name)
		if !ok(f[i]) {
			t.Errorf("%s = %q", name, f[i])
		}
		f[i] = strings.ToUpper(name)
	}
	isNum := func(s string) bool { _, err := strconv.ParseFloat(s, 64); return err == nil }
	check("date", func(s string) bool { _, err := time.Parse("2006-01-02", s); return err == nil })
	check("time", func(s string) bool { _, err := time.Parse("15:04:05", s); return err == nil })
	check("x-edge-request-id", func(s string) bool { return len(s) == 56 })
	check("c-port", func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n > 0 })
	check("time-taken", func(s string) bool { return isNum(s) && strings.Index(s, ".") == len(s)-4 })
	check("time-to-first-byte", func(s string) bool { return isNum(s) && strings.Index(s, ".") == len(s)-4 })
	check("sc-bytes", func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n > 100 })
	check("cs-bytes", func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n > 40 })
	return strings.ReplaceAll(strings.Join(f, " "), edgeHost, "EDGE")
}

// TestCloudFrontLogGoldenLines: real requests through the edge (a miss, a
// hit, a range hit, a 404, a path and query needing URL-encoding, a
// player's CMCD query) give CloudFront's 33 fields in the documented
// order, "-" for empty, values URL-encoded as CloudFront does, results
// mapped to Miss/Hit/Error; on both front ends.
func TestCloudFrontLogGoldenLines(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := cfOrigin(t)
		e := newLogEdge(t, o.URL, LogCloudFront)
		ua := "Mozilla/5.0 (X11; Linux x86_64) hls.js/1.5"
		e.get(t, "GET", "/live/seg_1.ts?CMCD=br%3D3200%2Cot%3Dv%2Csid%3D%22s1%22", "User-Agent", ua,
			"Referer", "https://player.example/watch?v=1", "X-Forwarded-For", "203.0.113.7")
		e.get(t, "GET", "/live/seg_1.ts", "User-Agent", ua)
		e.get(t, "GET", "/live/seg_1.ts", "User-Agent", ua, "Range", "bytes=0-9")
		e.get(t, "HEAD", "/live/a%20b.m3u8?x=%7Bq%7D&y=1", "User-Agent", "curl/8.5.0")
		e.get(t, "GET", "/nope.ts", "User-Agent", "curl/8.5.0")
		want := []string{
			"DATE TIME TST1-C1 SC-BYTES 127.0.0.1 GET EDGE /live/seg_1.ts 200 https://player.example/watch?v=1 Mozilla/5.0%20(X11;%20Linux%20x86_64)%20hls.js/1.5 CMCD=br%253D3200%252Cot%253Dv%252Csid%253D%2522s1%2522 - Miss X-EDGE-REQUEST-ID EDGE http CS-BYTES TIME-TAKEN 203.0.113.7 - - Miss HTTP/1.1 - - C-PORT TIME-TO-FIRST-BYTE Miss video/mp2t 1000 - -",
			"DATE TIME TST1-C1 SC-BYTES 127.0.0.1 GET EDGE /live/seg_1.ts 200 - Mozilla/5.0%20(X11;%20Linux%20x86_64)%20hls.js/1.5 - - Hit X-EDGE-REQUEST-ID EDGE http CS-BYTES TIME-TAKEN - - - Hit HTTP/1.1 - - C-PORT TIME-TO-FIRST-BYTE Hit video/mp2t 1000 - -",
			"DATE TIME TST1-C1 SC-BYTES 127.0.0.1 GET EDGE /live/seg_1.ts 206 - Mozilla/5.0%20(X11;%20Linux%20x86_64)%20hls.js/1.5 - - Hit X-EDGE-REQUEST-ID EDGE http CS-BYTES TIME-TAKEN - - - Hit HTTP/1.1 - - C-PORT TIME-TO-FIRST-BYTE Hit video/mp2t 10 0 9",
			"DATE TIME TST1-C1 SC-BYTES 127.0.0.1 HEAD EDGE /live/a%2520b.m3u8 200 - curl/8.5.0 x=%257Bq%257D&y=1 - Miss X-EDGE-REQUEST-ID EDGE http CS-BYTES TIME-TAKEN - - - Miss HTTP/1.1 - - C-PORT TIME-TO-FIRST-BYTE Miss application/vnd.apple.mpegurl 76 - -",
			"DATE TIME TST1-C1 SC-BYTES 127.0.0.1 GET EDGE /nope.ts 404 - curl/8.5.0 - - Error X-EDGE-REQUEST-ID EDGE http CS-BYTES TIME-TAKEN - - - Error HTTP/1.1 - - C-PORT TIME-TO-FIRST-BYTE Error text/plain;%20charset=utf-8 19 - -",
		}
		got := e.lines(t, len(want))
		host := strings.TrimPrefix(e.URL, "http://")
		for i := range want {
			if g := normalizeCF(t, got[i], host); g != want[i] {
				t.Errorf("line %d:\n got %s\nwant %s", i+1, g, want[i])
			}
		}
		if !strings.HasPrefix(e.log.String(), CloudFrontHeader()) {
			t.Errorf("log does not start with the W3C header:\n%s", e.log.String())
		}
	})
}

// readW3C reads a W3C extended log the way log tooling does (goaccess's
// and Athena's CloudFront formats, webreadr's read_aws): "#Fields:" names
// the columns, other "#" lines are skipped, each line is split on tabs
// and values are URL-decoded.
func readW3C(t *testing.T, r io.Reader) (version string, rows []map[string]string) {
	t.Helper()
	fields := cloudFrontFields[:] // until a #Fields: line says otherwise
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "#Version: "); ok {
			version = v
			continue
		}
		if f, ok := strings.CutPrefix(line, "#Fields: "); ok {
			fields = strings.Fields(f)
			continue
		}
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		vals := strings.Split(line, "\t")
		if len(vals) != len(fields) {
			t.Fatalf("%d values for %d fields: %q", len(vals), len(fields), line)
		}
		row := make(map[string]string, len(fields))
		for i, f := range fields {
			v, err := url.PathUnescape(vals[i])
			if err != nil {
				t.Fatalf("%s: %q does not URL-decode: %v", f, vals[i], err)
			}
			row[f] = v
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return version, rows
}

// TestCloudFrontLogFileReadsLikeLogTooling: a log file written through the
// LogWriter `serve` uses has the header lines, as many values as header
// fields on every line, and values that decode back to what the client
// sent (a User-Agent with spaces and a tab, a query with escapes); on both
// front ends.
func TestCloudFrontLogFileReadsLikeLogTooling(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := cfOrigin(t)
		path := filepath.Join(t.TempDir(), "access.log")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		lw := NewLogWriter(f, 10*time.Millisecond)
		e := newLogEdge(t, o.URL, LogCloudFront)
		e.h.cfg.AccessLog = lw
		_, _ = io.WriteString(lw, CloudFrontHeader()) // as New writes it to the log it is given
		ua := "Mozilla/5.0 (Windows NT 10.0)\tdash.js/4.7 \"q\""
		for i := 0; i < 3; i++ {
			e.get(t, "GET", "/live/seg_1.ts?CMCD=bl%3D21300%2Cot%3Dv&t=%E2%9C%93", "User-Agent", ua)
		}
		e.get(t, "GET", "/nope.ts")
		time.Sleep(50 * time.Millisecond) // the last line is written after its response
		if err := lw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		rf, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer rf.Close()
		version, rows := readW3C(t, rf)
		if version != "1.0" || len(rows) != 4 {
			t.Fatalf("version %q, %d rows", version, len(rows))
		}
		for i, r := range rows[:3] {
			if r["cs(User-Agent)"] != ua || r["cs-uri-query"] != "CMCD=bl%3D21300%2Cot%3Dv&t=%E2%9C%93" ||
				r["cs-uri-stem"] != "/live/seg_1.ts" || r["sc-status"] != "200" || r["sc-content-len"] != "1000" {
				t.Errorf("row %d: %v", i, r)
			}
		}
		if rows[0]["x-edge-result-type"] != "Miss" || rows[1]["x-edge-result-type"] != "Hit" || rows[3]["x-edge-result-type"] != "Error" {
			t.Errorf("result types %q %q %q", rows[0]["x-edge-result-type"], rows[1]["x-edge-result-type"], rows[3]["x-edge-result-type"])
		}
		ids := map[string]bool{}
		for _, r := range rows {
			ids[r["x-edge-request-id"]] = true
		}
		if len(ids) != len(rows) {
			t.Errorf("request ids not unique: %v", ids)
		}
	})
}

// serveTLS starts h over TLS on front with httptest's certificate and
// returns its URL and a client trusting it, limited to maxVersion.
func serveTLS(t *testing.T, h *Handler, front string, maxVersion uint16) (string, *http.Client) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = front == FrontNet // fasthttp serves HTTP/1.1 only
	srv.StartTLS()
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.Transport.(*http.Transport).TLSClientConfig.MaxVersion = maxVersion
	if front == FrontNet {
		return srv.URL, client
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fs := NewFastServer(h.ServeFastHTTP, FastServerConfig{IdleTimeout: time.Second, IdleWorkers: 200 * time.Millisecond})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = fs.Serve(tls.NewListener(ln, srv.TLS)) }()
	t.Cleanup(func() { _ = fs.Shutdown(); _ = ln.Close(); wg.Wait() }) // ln too: Shutdown closes only a listener Serve has registered
	return "https://" + ln.Addr().String(), client
}

// TestCloudFrontLogTLSFields: over HTTPS cs-protocol is https and
// ssl-protocol/ssl-cipher carry the negotiated version and suite in
// CloudFront's (OpenSSL's) names; on both front ends, TLS 1.2 and 1.3
// (net/http over HTTP/2: cs-protocol-version HTTP/2.0).
func TestCloudFrontLogTLSFields(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := cfOrigin(t)
		e := newLogEdge(t, o.URL, LogCloudFront)
		for i, tc := range []struct {
			max           uint16
			proto, cipher string
		}{
			{tls.VersionTLS12, "TLSv1.2", "ECDHE-"},
			{tls.VersionTLS13, "TLSv1.3", "TLS_"},
		} {
			u, client := serveTLS(t, e.h, frontOf(t), tc.max)
			resp, err := client.Get(u + "/live/seg_1.ts")
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			_, rows := readW3C(t, strings.NewReader(strings.Join(e.lines(t, i+1), "\n")+"\n"))
			r := rows[i]
			version := "HTTP/1.1"
			if frontOf(t) == FrontNet {
				version = "HTTP/2.0"
			}
			if r["cs-protocol"] != "https" || r["ssl-protocol"] != tc.proto || !strings.HasPrefix(r["ssl-cipher"], tc.cipher) ||
				r["cs-protocol-version"] != version {
				t.Errorf("TLS fields: cs-protocol %q ssl-protocol %q ssl-cipher %q cs-protocol-version %q",
					r["cs-protocol"], r["ssl-protocol"], r["ssl-cipher"], r["cs-protocol-version"])
			}
		}
	})
}

// TestCloudFrontLogRefreshHit: an expired entry the origin confirms with a
// 304 is logged RefreshHit, as CloudFront logs a revalidated object.
func TestCloudFrontLogRefreshHit(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Cache-Control", "max-age=1")
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			_, _ = io.WriteString(w, "segment")
		})
		e := newLogEdge(t, o.URL, LogCloudFront)
		e.get(t, "GET", "/vod/seg.ts")
		time.Sleep(1100 * time.Millisecond)
		if r := e.get(t, "GET", "/vod/seg.ts"); r.body != "segment" {
			t.Fatalf("after revalidation: %d %q", r.status, r.body)
		}
		_, rows := readW3C(t, strings.NewReader(strings.Join(e.lines(t, 2), "\n")+"\n"))
		for i, want := range []string{"Miss", "RefreshHit"} {
			if rows[i]["x-edge-result-type"] != want || rows[i]["x-edge-response-result-type"] != want || rows[i]["sc-status"] != "200" {
				t.Errorf("request %d: %s/%s %s, want %s", i+1, rows[i]["x-edge-result-type"], rows[i]["x-edge-response-result-type"], rows[i]["sc-status"], want)
			}
		}
	})
}

// TestCloudFrontLogViewerLeftMidBody: a viewer that hangs up while its
// segment streams is logged Error (ClientCommError) while
// x-edge-response-result-type keeps what the response was (Miss), as
// CloudFront logs a viewer abort; on both front ends.
func TestCloudFrontLogViewerLeftMidBody(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		stop := make(chan struct{})
		defer close(stop)
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "video/mp4")
			chunk := []byte(strings.Repeat("m", 64<<10))
			for i := 0; i < 512; i++ { // 32 MiB, slowly: the viewer leaves long before the end
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
		e := newLogEdge(t, o.URL, LogCloudFront)
		resp, err := e.client.Get(e.URL + "/vod/big.mp4")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 256<<10)); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // hang up mid-body
		e.client.Transport.(*http.Transport).CloseIdleConnections()
		var row map[string]string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, rows := readW3C(t, strings.NewReader(e.log.String())); len(rows) == 1 {
				row = rows[0]
				break
			}
		}
		if row == nil {
			t.Fatalf("no log line after the viewer left:\n%s", e.log.String())
		}
		if row["x-edge-result-type"] != "Error" || row["x-edge-detailed-result-type"] != "ClientCommError" ||
			row["x-edge-response-result-type"] != "Miss" || row["sc-status"] != "200" {
			t.Errorf("viewer abort logged %s/%s/%s status %s", row["x-edge-result-type"], row["x-edge-response-result-type"],
				row["x-edge-detailed-result-type"], row["sc-status"])
		}
	})
}
