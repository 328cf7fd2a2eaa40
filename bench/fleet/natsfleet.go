package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/streamedge/streamedge/invalidation"
)

// The fleet on NATS (-invalidate fleet, the default): one node runs the
// embedded nats-server (`streamedge serve -fleet-embedded`, a member of
// the fleet with no viewers), the shield (a streamedge) and every edge join
// it with -fleet, and /live/* is invalidated once, through one edge's
// CloudFront API; the fleet carries it to every other member.
const (
	natsPort   = "4222"
	fleetDist  = "FLEETSIM"
	fleetKeyID = "AKIAFLEETSIM0001"
	fleetKey   = "fleetsim-secret-key-0123456789"
)

// invalidationConfig is the edges' invalidation section: the CloudFront
// API on the admin listener, so GetInvalidation says InProgress/Completed.
const invalidationConfig = `invalidation:
  distribution_id: ` + fleetDist + `
  access_keys:
    - id: ` + fleetKeyID + `
      secret: ` + fleetKey + `
`

func (f *fleet) onNATS() bool { return f.o.Invalidate == "fleet" }

func (f *fleet) natsURL() string { return "nats://" + f.nats.IP + ":" + natsPort }

// fleetArgs are node n's fleet flags (none without -invalidate fleet).
func (f *fleet) fleetArgs(pop string) []string {
	if !f.onNATS() {
		return nil
	}
	return []string{"-fleet", f.natsURL(), "-fleet-pop", pop}
}

// startNATS starts the NATS node: a streamedge running the embedded
// nats-server on its bridge address (it joins the fleet itself, POP "core").
func (f *fleet) startNATS(ctx context.Context) error {
	argv := append(f.edgeArgs(f.nats), "-origin", f.originURL(), "-fleet-embedded", f.nats.IP+":"+natsPort, "-fleet-pop", "core")
	return f.startOne(ctx, f.nats, f.nats.IP+":"+natsPort, argv...)
}

// members is the fleet as node n's /fleet lists it.
func (f *fleet) members(ctx context.Context, n node) ([]string, error) {
	var v struct {
		Members []struct {
			ID string `json:"id"`
		} `json:"members"`
	}
	if err := f.adminJSON(ctx, n, "/fleet", &v); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(v.Members))
	for _, m := range v.Members {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// waitMembers waits until node n's /fleet lists want members.
func (f *fleet) waitMembers(ctx context.Context, n node, want int) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		ids, err := f.members(ctx, n)
		if err == nil && len(ids) == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s's /fleet: %v (want %d members; %v)", n.Name, ids, want, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (f *fleet) adminJSON(ctx context.Context, n node, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+adminAddr+path, nil)
	if err != nil {
		return err
	}
	resp, err := f.admin[n.Name].Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", n.Name, path, resp.Status)
	}
	return json.Unmarshal(b, v)
}

// cloudfront sends one SigV4-signed call to node n's CloudFront API.
func (f *fleet) cloudfront(ctx context.Context, n node, method, path, body string) (int, []byte, error) {
	u := "http://" + adminAddr + "/2020-05-31/distribution/" + fleetDist + "/invalidation" + path
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if err := invalidation.Sign(ctx, req, body, fleetKeyID, fleetKey, time.Now()); err != nil {
		return 0, nil, err
	}
	resp, err := f.admin[n.Name].Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// fleetInval is the one invalidation through the fleet.
type fleetInval struct {
	Via         string  `json:"via"`          // the edge whose API created it
	ID          string  `json:"id"`           //
	Members     int     `json:"members"`      // the fleet (/fleet on that edge) when it was created
	CreatedMS   float64 `json:"created_ms"`   // CreateInvalidation answered
	CompletedMS float64 `json:"completed_ms"` // GetInvalidation first said Completed; -1: not within 3 s
	Status      string  `json:"last_status"`
}

// invalidateFleet creates /live/* once on edges[0]'s CloudFront API and,
// at once, probes every edge until it misses, polls each edge's local
// /invalidations until it lists the ID (applied there) and polls
// GetInvalidation on edges[0] until Completed.
func (f *fleet) invalidateFleet(ctx context.Context, edges []node, res []invalResult, segs []string) (*fleetInval, error) {
	via := edges[0]
	fi := &fleetInval{Via: via.Name, CompletedMS: -1}
	ids, err := f.members(ctx, via)
	if err != nil {
		return fi, fmt.Errorf("%s /fleet: %w", via.Name, err)
	}
	fi.Members = len(ids)
	start := time.Now()
	var wg sync.WaitGroup
	for i, e := range edges {
		wg.Go(func() {
			res[i].After, res[i].SentMS, res[i].MissMS = f.probeUntilMiss(ctx, "http://"+edgeHost(e)+segs[i], start)
		})
	}
	code, body, err := f.cloudfront(ctx, via, http.MethodPost, "",
		`<InvalidationBatch><CallerReference>fleetsim-`+start.Format("150405.000")+`</CallerReference><Paths><Quantity>1</Quantity><Items><Path>/live/*</Path></Items></Paths></InvalidationBatch>`)
	fi.CreatedMS = ms(time.Since(start))
	var inv struct {
		ID     string `xml:"Id"`
		Status string `xml:"Status"`
	}
	if err == nil && (code != http.StatusCreated || xml.Unmarshal(body, &inv) != nil || inv.ID == "") {
		err = fmt.Errorf("CreateInvalidation on %s: %d %s", via.Name, code, body)
	}
	if err != nil {
		wg.Wait()
		return fi, err
	}
	fi.ID, fi.Status = inv.ID, inv.Status
	res[0].AppliedMS = fi.CreatedMS
	for i, e := range edges[1:] {
		wg.Go(func() { res[i+1].AppliedMS = f.waitListed(ctx, e, inv.ID, start) })
	}
	wg.Go(func() { fi.CompletedMS, fi.Status = f.waitCompleted(ctx, via, inv.ID, start) })
	wg.Wait()
	for i := range res {
		if res[i].AppliedMS < 0 {
			res[i].Err = "the invalidation is not in its /invalidations after 3 s"
		}
	}
	return fi, nil
}

// waitListed polls node n's local /invalidations until it lists id; it
// returns when, since start (-1: not within 3 s).
func (f *fleet) waitListed(ctx context.Context, n node, id string, start time.Time) float64 {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	for {
		var list []struct {
			ID string `json:"id"`
		}
		if f.adminJSON(ctx, n, "/invalidations", &list) == nil {
			for _, l := range list {
				if l.ID == id {
					return ms(time.Since(start))
				}
			}
		}
		select {
		case <-ctx.Done():
			return -1
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// waitCompleted polls GetInvalidation on n until Completed; it returns
// when, since start (-1: not within 3 s), and the last status.
func (f *fleet) waitCompleted(ctx context.Context, n node, id string, start time.Time) (float64, string) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	status := ""
	for {
		code, body, err := f.cloudfront(ctx, n, http.MethodGet, "/"+id, "")
		var inv struct {
			Status string `xml:"Status"`
		}
		if err == nil && code == http.StatusOK && xml.Unmarshal(body, &inv) == nil {
			status = inv.Status
			if status == "Completed" {
				return ms(time.Since(start)), status
			}
		}
		select {
		case <-ctx.Done():
			return -1, status
		case <-time.After(10 * time.Millisecond):
		}
	}
}
