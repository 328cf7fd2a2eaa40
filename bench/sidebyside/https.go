package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// httpsResult is phase (e): the hit phase over HTTPS on the run's
// certificate, HTTP/1.1 with wrk and HTTP/2 (ALPN h2) with h2load.
type httpsResult struct {
	Server  string      `json:"server"`
	H1      *hitsResult `json:"http1_1,omitempty"`
	H2      *hitsResult `json:"http2,omitempty"`
	Skipped string      `json:"skipped,omitempty"` // why the phase did not run
	Error   string      `json:"error,omitempty"`
	Memory  *memSample  `json:"memory,omitempty"`
}

// tlsPeers are the caches measured over HTTPS: nginx with an HTTPS
// listener (bench config on the peers' settings), streamedge -tls-listen.
var tlsPeers = map[string]bool{"nginx": true, "streamedge": true}

// tlsClient trusts only the run's certificate.
func tlsClient(cf certFiles) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: cf.Pool, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true}}
}

// peerHTTPS is phase (e) for nginx and streamedge (nil for the others).
func peerHTTPS(ctx context.Context, cfg config, name string, cf *certFiles) *httpsResult {
	if !tlsPeers[name] {
		return nil
	}
	res := &httpsResult{Server: map[string]string{"nginx": "nginx, HTTPS listener (ssl http2) on the peers' config",
		"streamedge": "streamedge serve -tls-listen"}[name]}
	switch {
	case cf == nil:
		res.Skipped = "HTTPS off (BENCH_HTTPS=0) or no certificate"
	case name == "streamedge" && !edgeHasTLS(cfg):
		res.Skipped = "streamedge serve -h lists no -tls-listen: HTTPS not measured"
	}
	if res.Skipped != "" {
		logf("%s: HTTPS skipped: %s", name, res.Skipped)
		return res
	}
	origin, err := startOrigin(ctx, cfg, name+"-https")
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer origin.stop()
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", cfg.peerTLSPort())
	var srv *running
	if name == "nginx" {
		srv, err = startNginxTLS(ctx, cfg, *cf)
	} else {
		srv, err = startPeer(ctx, cfg, name, "https", "-tls-listen", tlsAddr, "-tls-cert", cf.Cert, "-tls-key", cf.Key)
	}
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer srv.stop()
	if err := waitHTTP(ctx, tlsClient(*cf), "https://"+tlsAddr+"/", 15*time.Second); err != nil {
		res.Error = errString(err)
		return res
	}
	r := httpsHits(ctx, cfg, name, "https://"+tlsAddr, *cf, true)
	r.Server, r.Memory = res.Server, sampleMem(srv.pids())
	return r
}

// httpsHits measures both objects over HTTPS/1.1 (wrk) and, with h2, over
// HTTP/2 (h2load, when installed).
func httpsHits(ctx context.Context, cfg config, name, base string, cf certFiles, h2 bool) *httpsResult {
	client := tlsClient(cf)
	res := &httpsResult{H1: hitsPhase(ctx, cfg, name+" HTTPS/1.1", base, client, runWrk)}
	if !h2 {
		return res
	}
	if _, err := exec.LookPath("h2load"); err != nil {
		res.H2 = &hitsResult{Error: "h2load not installed (apt-get install nghttp2-client)"}
		logf("%s: HTTP/2 not measured: %s", name, res.H2.Error)
		return res
	}
	res.H2 = hitsPhase(ctx, cfg, name+" HTTP/2", base, client, runH2load)
	return res
}

// edgeHasTLS reports whether this streamedge build has -tls-listen (its
// serve -h lists the flag).
func edgeHasTLS(cfg config) bool {
	return helpLists(filepath.Join(cfg.Bin, "streamedge"), "-tls-listen")
}

// helpLists runs `bin serve -h` and looks for flag in the usage text
// (-h exits non-zero with the flag package: the output is what counts).
func helpLists(bin, flag string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "-h").CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return false
	}
	for line := range strings.SplitSeq(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == flag {
			return true
		}
	}
	return false
}
