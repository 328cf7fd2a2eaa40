package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitFile waits until the file at path has n lines not starting with "#"
// (the access log is written in batches after each response).
func waitFile(t *testing.T, path string, n int) (string, []string) {
	t.Helper()
	var all string
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(path)
		all, lines = string(b), nil
		for _, l := range strings.Split(all, "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		if len(lines) >= n {
			return all, lines
		}
	}
	t.Fatalf("%s: %d lines, want %d:\n%s", path, len(lines), n, all)
	return "", nil
}

// TestServeCloudFrontAccessLog: `serve -access-log FILE -access-log-format
// cloudfront` writes the W3C header and one 33-field tab-separated line
// per request, as wired (limits listener, LogWriter), on both front ends.
func TestServeCloudFrontAccessLog(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=3600")
			w.Header().Set("Content-Type", "video/mp2t")
			_, _ = io.WriteString(w, "segment")
		}))
		defer o.Close()
		logPath := filepath.Join(t.TempDir(), "access.log")
		e := startEdge(t, "-origin", o.URL, "-access-log", logPath, "-access-log-format", "cloudfront")
		get(t, e.edge+"/v/seg1.ts?CMCD=ot%3Dv")
		get(t, e.edge+"/v/seg1.ts")
		all, lines := waitFile(t, logPath, 2)
		if !strings.HasPrefix(all, "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method ") {
			t.Fatalf("no W3C header:\n%s", all)
		}
		for i, want := range []string{"Miss", "Hit"} {
			f := strings.Split(lines[i], "\t")
			if len(f) != 33 || f[5] != "GET" || f[7] != "/v/seg1.ts" || f[8] != "200" || f[13] != want || f[23] != "HTTP/1.1" {
				t.Errorf("line %d: %q", i+1, f)
			}
		}
		if f := strings.Split(lines[0], "\t"); f[11] != "CMCD=ot%253Dv" {
			t.Errorf("cs-uri-query = %q", f[11])
		}
	})
}

// TestServeCMCDSessionsOnAdmin: a player's CMCD reaches the JSON access
// log and the admin listener's /cmcd/sessions view as `serve` wires them,
// and the CMCD series are on /metrics.
func TestServeCMCDSessionsOnAdmin(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		_, _ = io.WriteString(w, "segment")
	}))
	defer o.Close()
	logPath := filepath.Join(t.TempDir(), "access.log")
	e := startEdge(t, "-origin", o.URL, "-access-log", logPath)
	req, _ := http.NewRequest("GET", e.edge+"/v/seg1.m4s", nil)
	req.Header.Set("CMCD-Object", "br=3200,d=4004,ot=v")
	req.Header.Set("CMCD-Session", `cid="c1",sf=d,sid="player-1",st=l`)
	req.Header.Set("CMCD-Status", "bs")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, lines := waitFile(t, logPath, 1)
	var rec struct {
		CMCD struct {
			SID string `json:"sid"`
			OT  string `json:"ot"`
			BS  bool   `json:"bs"`
		} `json:"cmcd"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec.CMCD.SID != "player-1" || rec.CMCD.OT != "v" || !rec.CMCD.BS {
		t.Errorf("access log %s (%v)", lines[0], err)
	}
	code, body, _ := get(t, e.admin+"/cmcd/sessions?sid=player-1")
	if code != 200 || !strings.Contains(body, `"buffer_starvations": 1`) || !strings.Contains(body, `"sf": "d"`) {
		t.Errorf("/cmcd/sessions?sid=player-1 = %d %s", code, body)
	}
	code, body, _ = get(t, e.admin+"/cmcd/sessions")
	if code != 200 || !strings.Contains(body, `"sessions": 1`) {
		t.Errorf("/cmcd/sessions = %d %s", code, body)
	}
	_, metrics, _ := get(t, e.admin+"/metrics")
	for _, want := range []string{`streamedge_cmcd_requests_total{ot="v"} 1`, "streamedge_cmcd_buffer_starvations_total 1", "streamedge_cmcd_sessions 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestAccessLogFormatFlag: the flag accepts json and cloudfront only.
func TestAccessLogFormatFlag(t *testing.T) {
	for _, tc := range []struct {
		v  string
		ok bool
	}{{"json", true}, {"cloudfront", true}, {"w3c", false}, {"", false}} {
		_, err := parseFlags("serve", []string{"-origin", "http://o:1", "-access-log-format", tc.v}, io.Discard)
		if (err == nil) != tc.ok {
			t.Errorf("-access-log-format %q: err %v", tc.v, err)
		}
	}
}
