// Command ceiling is the throughput ceiling for a Go edge on this machine:
// a minimal server that loads the benchmark objects from the origin once,
// at start, and then serves them from memory, with net/http or with
// github.com/valyala/fasthttp (-lib), over HTTP and, with -tls-listen, over
// HTTPS too (net/http: HTTP/1.1 and HTTP/2 by ALPN; fasthttp: HTTP/1.1).
//
//	ceiling -lib fasthttp -listen 127.0.0.1:21082 -origin http://127.0.0.1:21081 \
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
)

type object struct {
	body        []byte
	contentType string
	length      string
}

// tlsFiles is the optional HTTPS listener.
type tlsFiles struct{ listen, cert, key string }

func main() {
	lib := flag.String("lib", "net/http", "server library: net/http or fasthttp")
	listen := flag.String("listen", "127.0.0.1:21082", "address to serve HTTP on")
	origin := flag.String("origin", "", "origin base URL the objects are loaded from (required)")
	paths := flag.String("paths", "", "comma-separated paths to load and serve (required)")
	var tf tlsFiles
	flag.StringVar(&tf.listen, "tls-listen", "", "address to serve HTTPS on (needs -tls-cert, -tls-key)")
	flag.StringVar(&tf.cert, "tls-cert", "", "PEM certificate chain for -tls-listen")
	flag.StringVar(&tf.key, "tls-key", "", "PEM private key for -tls-listen")
	flag.Parse()
	if *origin == "" || *paths == "" || (tf.listen != "" && (tf.cert == "" || tf.key == "")) {
		log.Fatal("ceiling: -origin and -paths are required; -tls-listen needs -tls-cert and -tls-key")
	}
	objects := map[string]object{}
	for p := range strings.SplitSeq(*paths, ",") {
		o, err := load(strings.TrimSuffix(*origin, "/") + p)
		if err != nil {
			log.Fatalf("ceiling: %v", err)
		}
		objects[p] = o
	}
	switch *lib {
	case "net/http":
		log.Fatal(serveNetHTTP(objects, *listen, tf))
	case "fasthttp":
		log.Fatal(serveFastHTTP(objects, *listen, tf))
	default:
		log.Fatalf("ceiling: -lib %q: want net/http or fasthttp", *lib)
	}
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

// both runs serve on the HTTP listener and, if set, the HTTPS one; it
// returns the first error.
func both(plain func() error, secure func() error, tf tlsFiles) error {
	if tf.listen == "" {
		return plain()
	}
	errc := make(chan error, 2)
	go func() { errc <- plain() }()
	go func() { errc <- secure() }()
	return <-errc
}
