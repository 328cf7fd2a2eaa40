package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/streamedge/streamedge/invalidation"
)

// localInvalidationPath is the admin listener's endpoint for `streamedge
// invalidate`: POST a JSON {"paths": [...]} from a loopback address. It
// needs no keys, so it answers loopback peers only, whatever -admin binds;
// remote operators use the SigV4 API.
const localInvalidationPath = "/invalidations"

// maxLocalBody bounds a local request (the API's body bound).
const maxLocalBody = invalidation.DefaultMaxBodyBytes

type localRequest struct {
	Paths []string `json:"paths"`
}

type localInvalidation struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	Paths      []string  `json:"paths"`
	CreateTime time.Time `json:"create_time"`
}

type localError struct {
	Error string `json:"error"`
}

// serveLocal creates an invalidation (POST) or lists the newest ones (GET).
func (w *invalWiring) serveLocal(rw http.ResponseWriter, r *http.Request) {
	if !loopbackPeer(r.RemoteAddr) {
		writeJSON(rw, http.StatusForbidden, localError{"only loopback clients may invalidate here; use the SigV4 API (aws cloudfront create-invalidation)"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		page, _ := w.set.List("", 100)
		out := make([]localInvalidation, 0, len(page))
		for _, inv := range page {
			out = append(out, localInvalidation{inv.ID, "Completed", inv.Paths, inv.CreateTime})
		}
		writeJSON(rw, http.StatusOK, out)
	case http.MethodPost:
		inv, status, err := w.createLocal(rw, r)
		if err != nil {
			writeJSON(rw, status, localError{err.Error()})
			return
		}
		w.log.Info("invalidated", "id", inv.ID, "paths", len(inv.Paths), "via", "streamedge invalidate")
		writeJSON(rw, http.StatusCreated, localInvalidation{inv.ID, "Completed", inv.Paths, inv.CreateTime})
	default:
		rw.Header().Set("Allow", "GET, POST")
		writeJSON(rw, http.StatusMethodNotAllowed, localError{"use POST to invalidate, GET to list"})
	}
}

func (w *invalWiring) createLocal(rw http.ResponseWriter, r *http.Request) (invalidation.Invalidation, int, error) {
	var req localRequest
	dec := json.NewDecoder(http.MaxBytesReader(rw, r.Body, maxLocalBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if _, big := errors.AsType[*http.MaxBytesError](err); big {
			return invalidation.Invalidation{}, http.StatusRequestEntityTooLarge, fmt.Errorf("request over %d bytes", maxLocalBody)
		}
		return invalidation.Invalidation{}, http.StatusBadRequest, fmt.Errorf("want a JSON body {\"paths\": [\"/path\", \"/dir/*\"]}: %w", err)
	}
	if err := checkBatch(req.Paths); err != nil {
		return invalidation.Invalidation{}, http.StatusBadRequest, err
	}
	ref := fmt.Sprintf("streamedge-%d-%s", time.Now().Unix(), rand.Text()[:8])
	inv, _, err := w.set.Create(ref, req.Paths, time.Now())
	if err != nil {
		return invalidation.Invalidation{}, http.StatusBadRequest, err
	}
	if w.fleet != nil { // the fleet applies it everywhere
		w.fleet.Created(inv)
	}
	return inv, http.StatusCreated, nil
}

// checkBatch applies the API's rules to a batch: at least one path, each
// valid, at most MaxBatchPaths of them and MaxBatchWildcards wildcards.
func checkBatch(paths []string) error {
	if len(paths) == 0 {
		return errors.New("no paths to invalidate")
	}
	wild := 0
	for _, p := range paths {
		if err := invalidation.CheckPath(p); err != nil {
			return err
		}
		if strings.HasSuffix(p, "*") {
			wild++
		}
	}
	if len(paths) > invalidation.MaxBatchPaths || wild > invalidation.MaxBatchWildcards {
		return fmt.Errorf("at most %d paths and %d wildcard paths per invalidation", invalidation.MaxBatchPaths, invalidation.MaxBatchWildcards)
	}
	return nil
}

func loopbackPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_, _ = rw.Write(append(b, '\n'))
}
