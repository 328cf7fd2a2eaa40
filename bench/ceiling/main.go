// Command ceiling is the throughput ceiling for a Go edge on this machine:
// a minimal net/http server that loads the benchmark objects from the
// origin once, at start, and then serves them from memory.
//
//	ceiling -listen 127.0.0.1:21082 -origin http://127.0.0.1:21081 \
//	    -paths /synthetic/1KiB/bench-hit.m3u8,/synthetic/2MiB/bench-hit.ts
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type object struct {
	body        []byte
	contentType string
	length      string
}

func main() {
	listen := flag.String("listen", "127.0.0.1:21082", "address to serve on")
	origin := flag.String("origin", "", "origin base URL the objects are loaded from (required)")
	paths := flag.String("paths", "", "comma-separated paths to load and serve (required)")
	flag.Parse()
	if *origin == "" || *paths == "" {
		log.Fatal("ceiling: -origin and -paths are required")
	}
	objects := map[string]object{}
	for p := range strings.SplitSeq(*paths, ",") {
		o, err := load(strings.TrimSuffix(*origin, "/") + p)
		if err != nil {
			log.Fatalf("ceiling: %v", err)
		}
		objects[p] = o
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := objects[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		hd := w.Header()
		hd["Content-Type"] = []string{o.contentType}
		hd["Content-Length"] = []string{o.length}
		if r.Method != http.MethodHead {
			_, _ = w.Write(o.body)
		}
	})
	srv := &http.Server{Addr: *listen, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

func load(u string) (object, error) {
	resp, err := http.Get(u)
	if err != nil {
		return object{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return object{}, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return object{}, fmt.Errorf("GET %s: %w", u, err)
	}
	return object{b, resp.Header.Get("Content-Type"), strconv.Itoa(len(b))}, nil
}
