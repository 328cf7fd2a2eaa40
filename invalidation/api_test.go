package invalidation

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testDist   = "EDFDVBD6EXAMPLE"
	testKeyID  = "AKIASTREAMEDGETEST"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

type apiHarness struct {
	srv     *httptest.Server
	set     *Set
	metrics *Metrics
}

func newAPIHarness(t *testing.T) *apiHarness {
	t.Helper()
	m := NewMetrics()
	set := NewSet(Limits{}, m)
	api, err := NewAPI(APIConfig{Distributions: map[string]*Set{testDist: set},
		AccessKeys: map[string]string{testKeyID: testSecret}, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &apiHarness{srv, set, m}
}

type reply struct {
	status int
	header http.Header
	body   string
}

// call sends one request signed with aws-sdk-go-v2's v4 signer (secret ""
// sends it unsigned); tamper, when set, changes the request after signing.
func (h *apiHarness) call(t *testing.T, method, path, body, secret string, tamper func(*http.Request)) reply {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		if err := Sign(context.Background(), req, body, testKeyID, secret, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func batchXML(ref string, paths ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version='1.0' encoding='utf-8'?><InvalidationBatch xmlns="` + xmlns + `"><CallerReference>` + ref +
		`</CallerReference><Paths><Quantity>` + strconv.Itoa(len(paths)) + `</Quantity><Items>`)
	for _, p := range paths {
		b.WriteString("<Path>" + p + "</Path>")
	}
	b.WriteString("</Items></Paths></InvalidationBatch>")
	return b.String()
}

const base = "/2020-05-31/distribution/" + testDist + "/invalidation"

func TestAPICreateGetListWithTheSDKSigner(t *testing.T) {
	h := newAPIHarness(t)
	r := h.call(t, "POST", base, batchXML("ref-1", "/live/index.m3u8", "/vod/*"), testSecret, nil)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var inv invalidationOut
	if err := xml.Unmarshal([]byte(r.body), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Status != "Completed" || inv.Batch.Paths.Quantity != 2 || inv.Batch.CallerReference != "ref-1" || !strings.HasPrefix(inv.ID, "I") {
		t.Fatalf("create answered %+v", inv)
	}
	if loc := r.header.Get("Location"); loc != h.srv.URL+base+"/"+inv.ID {
		t.Errorf("Location %q", loc)
	}
	if !h.set.Invalidated("/vod/a.ts", time.Now().Add(-time.Minute)) {
		t.Error("the invalidation is not effective at once")
	}

	again := h.call(t, "POST", base, batchXML("ref-1", "/live/index.m3u8", "/vod/*"), testSecret, nil)
	if !strings.Contains(again.body, "<Id>"+inv.ID+"</Id>") {
		t.Errorf("same CallerReference made a new invalidation: %s", again.body)
	}
	if c := h.call(t, "POST", base, batchXML("ref-1", "/other"), testSecret, nil); c.status != http.StatusConflict ||
		!strings.Contains(c.body, "<Code>InvalidationBatchAlreadyExists</Code>") {
		t.Errorf("same CallerReference, other paths: %d %s", c.status, c.body)
	}

	g := h.call(t, "GET", base+"/"+inv.ID, "", testSecret, nil)
	if g.status != http.StatusOK || !strings.Contains(g.body, "<Path>/vod/*</Path>") {
		t.Errorf("get: %d %s", g.status, g.body)
	}
	h.call(t, "POST", base, batchXML("ref-2", "/b"), testSecret, nil)
	l := h.call(t, "GET", base+"?MaxItems=1", "", testSecret, nil)
	var list listOut
	if err := xml.Unmarshal([]byte(l.body), &list); err != nil || l.status != http.StatusOK {
		t.Fatalf("list: %d %s", l.status, l.body)
	}
	if !list.IsTruncated || list.Quantity != 1 || list.NextMarker == "" || list.NextMarker == inv.ID {
		t.Fatalf("list page 1 (newest first): %+v", list)
	}
	l2 := h.call(t, "GET", base+"?Marker="+list.NextMarker+"&MaxItems=1", "", testSecret, nil)
	if !strings.Contains(l2.body, "<Id>"+inv.ID+"</Id>") || !strings.Contains(l2.body, "<IsTruncated>false</IsTruncated>") {
		t.Fatalf("list page 2: %s", l2.body)
	}
	if got := readCounter(t, h.metrics.paths); got != 3 {
		t.Errorf("streamedge_invalidation_paths_total = %v, want 3 (the repeated batch adds none)", got)
	}
}

// Unsigned, wrongly signed or tampered calls get CloudFront's 403 AccessDenied
// XML and change nothing.
func TestAPIRefusesUnauthenticatedCalls(t *testing.T) {
	h := newAPIHarness(t)
	body := batchXML("ref-x", "/*")
	for name, tc := range map[string]struct {
		secret string
		tamper func(*http.Request)
	}{
		"unsigned":     {"", nil},
		"wrong_secret": {"not-the-secret", nil},
		"tampered_body": {testSecret, func(r *http.Request) {
			b := strings.Replace(body, "/*", "/a", 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
		}},
		"tampered_path": {testSecret, func(r *http.Request) { r.URL.Path = "/2020-05-31/distribution/OTHER/invalidation" }},
		"unknown_access_key": {testSecret, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testKeyID, "AKIAOTHER", 1))
		}},
		"stale_date": {testSecret, func(r *http.Request) {
			r.Header.Set("X-Amz-Date", time.Now().Add(-time.Hour).UTC().Format(amzDateForm))
		}},
		"signed_header_dropped": {testSecret, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
		}},
		"other_service": {testSecret, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/cloudfront/", "/s3/", 1))
		}},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.call(t, "POST", base, body, tc.secret, tc.tamper)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "<Code>AccessDenied</Code>") ||
				!strings.Contains(r.body, "<ErrorResponse xmlns=\""+xmlns+"\">") {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	if h.set.Len() != 0 || len(h.set.history.items) != 0 {
		t.Fatalf("refused calls changed the Set: %d records", h.set.Len())
	}
	if h.call(t, "GET", base, "", "not-the-secret", nil).status != http.StatusForbidden {
		t.Fatal("a wrongly signed list was answered")
	}
}

func TestAPIErrors(t *testing.T) {
	h := newAPIHarness(t)
	for name, tc := range map[string]struct {
		method, path, body string
		status             int
		code               string
	}{
		"unknown_distribution": {"GET", "/2020-05-31/distribution/NOPE/invalidation", "", 404, "NoSuchDistribution"},
		"unknown_invalidation": {"GET", base + "/INOPE", "", 404, "NoSuchInvalidation"},
		"empty_body":           {"POST", base, "", 400, "MissingBody"},
		"garbage_body":         {"POST", base, "<x", 400, "MalformedInput"},
		"inconsistent_quantity": {"POST", base, strings.Replace(batchXML("r", "/a", "/b"), "<Quantity>2<", "<Quantity>3<", 1),
			400, "InconsistentQuantities"},
		"path_without_slash": {"POST", base, batchXML("r", "a.ts"), 400, "InvalidArgument"},
		"star_not_last":      {"POST", base, batchXML("r", "/a*/b"), 400, "InvalidArgument"},
		"too_many_wildcards": {"POST", base, batchXML("r", strings.Split(strings.Repeat("/w*,", 16), ",")[:16]...), 400, "TooManyInvalidationsInProgress"},
		"bad_max_items":      {"GET", base + "?MaxItems=0", "", 400, "InvalidArgument"},
		"method_not_allowed": {"DELETE", base, "", 405, "InvalidArgument"},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.call(t, tc.method, tc.path, tc.body, testSecret, nil)
			if r.status != tc.status || !strings.Contains(r.body, "<Code>"+tc.code+"</Code>") {
				t.Fatalf("%d %s; want %d %s", r.status, r.body, tc.status, tc.code)
			}
		})
	}
	if h.set.Len() != 0 {
		t.Fatal("a refused batch changed the Set")
	}
}
