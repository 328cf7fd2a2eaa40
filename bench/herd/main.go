// Command herd measures a cold herd: it opens -clients TCP connections to
// the server of -url first, then releases one GET per connection at the
// same instant and reports, as JSON, the distribution of each client's time
// (from the release) to the first body byte and to the last byte (the body
// complete: its length checked against Content-Length), the first response
// byte (headers) for reference, statuses, cache headers and whether every
// body was identical.
//
//	herd -url http://127.0.0.1:21080/synthetic/2MiB/herd-1.ts -clients 500 -json out.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"time"
)

func main() {
	rawURL := flag.String("url", "", "http:// URL every client GETs (required)")
	clients := flag.Int("clients", 500, "connections opened first, then released at once (1..10000)")
	timeout := flag.Duration("timeout", 60*time.Second, "bound on the whole herd after the release")
	jsonOut := flag.String("json", "", "write the report here (default stdout)")
	flag.Parse()
	u, err := url.Parse(*rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" || *clients < 1 || *clients > 10000 {
		fmt.Fprintln(os.Stderr, "herd: need -url http://host:port/path and 1 <= -clients <= 10000")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, u, *clients, *timeout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "herd: %v\n", err)
		os.Exit(1)
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	b = append(b, '\n')
	if *jsonOut == "" {
		_, _ = os.Stdout.Write(b)
		return
	}
	if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "herd: %v\n", err)
		os.Exit(1)
	}
}

// run dials every connection, waits a moment for the server to accept
// them, then releases all requests together.
func run(ctx context.Context, u *url.URL, n int, timeout time.Duration) (report, error) {
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	dialStart := time.Now()
	conns := make([]net.Conn, 0, n)
	d := net.Dialer{Timeout: 5 * time.Second}
	for range n {
		c, err := d.DialContext(ctx, "tcp", host)
		if err != nil {
			for _, c := range conns {
				_ = c.Close()
			}
			return report{}, fmt.Errorf("dial %d of %d: %w", len(conns)+1, n, err)
		}
		conns = append(conns, c)
	}
	dialMS := ms(time.Since(dialStart))
	time.Sleep(200 * time.Millisecond) // let the server accept every connection

	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: streamedge-bench-herd\r\nAccept: */*\r\n\r\n",
		u.RequestURI(), u.Host)
	deadline := time.Now().Add(timeout)
	results := make([]result, n)
	release := make(chan struct{})
	var t0 time.Time // the release instant: written before close(release), read after it
	var wg sync.WaitGroup
	for i, c := range conns {
		_ = c.SetDeadline(deadline)
		wg.Go(func() {
			defer c.Close()
			<-release
			results[i] = fetch(c, req, t0)
		})
	}
	t0 = time.Now()
	close(release)
	wg.Wait()
	rep := summarize(u.String(), results)
	rep.ConnectAllMS = dialMS
	rep.WallMS = ms(time.Since(t0))
	return rep, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
