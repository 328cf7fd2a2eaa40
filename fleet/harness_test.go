package fleet

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/invalidation"
)

const (
	testDist   = "EFLEETEXAMPLE"
	testKeyID  = "AKIASTREAMEDGEFLEET"
	testSecret = "fleetSecretKeyForTestsOnly/0123456789abc"
	testHB     = 100 * time.Millisecond
	testTTL    = 600 * time.Millisecond
)

// startNATS is a real nats-server with JetStream in a temp dir.
func startNATS(t *testing.T) *Embedded {
	t.Helper()
	e, err := StartEmbedded("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// member is one simulated edge: a Node, its invalidation Set and the
// CloudFront API in front of it.
type member struct {
	node   *Node
	set    *invalidation.Set
	api    *httptest.Server
	reload func(uint64, []byte) error
}

// join opens a node for id with short heartbeats; its Set receives the
// fleet's invalidations.
func join(t *testing.T, url, id string, reload func(uint64, []byte) error) *member {
	t.Helper()
	m := &member{set: invalidation.NewSet(invalidation.Limits{}, nil)}
	n, err := Open(context.Background(), Config{URL: url, Self: Member{ID: id, POP: "test", Started: time.Now()},
		Heartbeat: testHB, TTL: testTTL, Timeout: time.Second, Invalidations: m.set, Reload: reload})
	if err != nil {
		t.Fatalf("join %s: %v", id, err)
	}
	m.node = n
	t.Cleanup(n.Close)
	api, err := invalidation.NewAPI(invalidation.APIConfig{Distributions: map[string]*invalidation.Set{testDist: m.set},
		AccessKeys: map[string]string{testKeyID: testSecret}, Progress: n})
	if err != nil {
		t.Fatal(err)
	}
	m.api = httptest.NewServer(api)
	t.Cleanup(m.api.Close)
	return m
}

func fleetOf(t *testing.T, url string, n int, reload func(uint64, []byte) error) []*member {
	ms := make([]*member, n)
	for i := range ms {
		ms[i] = join(t, url, fmt.Sprintf("edge-%d.test:80%02d", i, i), reload)
	}
	return ms
}

// kill stops a node the way a crash does: no goodbye, its key stays until TTL.
func kill(n *Node) {
	n.cancel()
	n.wg.Wait()
	n.nc.Close()
}

func eventually(t *testing.T, within time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

func ids(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// signed sends one SigV4-signed call (aws-sdk-go-v2's signer) to an API.
func signed(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := invalidation.Sign(context.Background(), req, body, testKeyID, testSecret, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type invXML struct {
	ID     string `xml:"Id"`
	Status string `xml:"Status"`
}

// createInvalidation posts a batch to m's CloudFront API.
func createInvalidation(t *testing.T, m *member, ref string, paths ...string) invXML {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `<InvalidationBatch><CallerReference>%s</CallerReference><Paths><Quantity>%d</Quantity><Items>`, ref, len(paths))
	for _, p := range paths {
		b.WriteString("<Path>" + p + "</Path>")
	}
	b.WriteString("</Items></Paths></InvalidationBatch>")
	code, body := signed(t, "POST", m.api.URL+"/2020-05-31/distribution/"+testDist+"/invalidation", b.String())
	var inv invXML
	if code != http.StatusCreated || xml.Unmarshal([]byte(body), &inv) != nil {
		t.Fatalf("create: %d %s", code, body)
	}
	return inv
}

func getInvalidation(t *testing.T, m *member, id string) invXML {
	t.Helper()
	code, body := signed(t, "GET", m.api.URL+"/2020-05-31/distribution/"+testDist+"/invalidation/"+id, "")
	var inv invXML
	if code != http.StatusOK || xml.Unmarshal([]byte(body), &inv) != nil {
		t.Fatalf("get: %d %s", code, body)
	}
	return inv
}
