package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// nginxBin is Debian's nginx (installed by the peers' start).
const nginxBin = "/usr/sbin/nginx"

// reListen is the template's one listen line (the plain HTTP listener).
var reListen = regexp.MustCompile(`(?m)^([ \t]*)listen[ \t]+@LISTEN@[^;\n]*;[ \t]*$`)

// nginxTLSConfig renders the peers' nginx template the way their start
// does (same cache, proxy, lock and stale settings) and adds an HTTPS
// listener, HTTP/1.1 and HTTP/2 by ALPN, on the run's certificate.
func nginxTLSConfig(tmpl []byte, dir, listen, tlsListen, origin string, cacheMB int, cf certFiles, root bool) (string, error) {
	s := string(tmpl)
	loc := reListen.FindStringSubmatchIndex(s)
	if loc == nil {
		return "", fmt.Errorf("nginx template: no %q line to add the HTTPS listener to", "listen @LISTEN@ …;")
	}
	indent := s[loc[2]:loc[3]]
	tls := strings.Join([]string{
		"",
		"listen " + tlsListen + " ssl http2 backlog=4096;",
		"ssl_certificate " + cf.Cert + ";",
		"ssl_certificate_key " + cf.Key + ";",
		"ssl_protocols TLSv1.2 TLSv1.3;",
		"ssl_session_cache shared:SSL:10m;",
		"ssl_session_tickets on;",
	}, "\n"+indent)
	s = s[:loc[1]] + tls + s[loc[1]:]
	user := ""
	if root {
		user = "user root root;"
	}
	r := strings.NewReplacer("@WORKDIR@", dir, "@LISTEN@", listen, "@ORIGIN@", origin,
		"@CACHE_MAX@", strconv.Itoa(cacheMB)+"M", "@USER_LINE@", user)
	return r.Replace(s), nil
}

// startNginxTLS starts nginx with HTTP on the peer port and HTTPS on the
// peer TLS port, cold, in <work>/nginx-tls (peer.pid there lets run.sh's
// trap stop it through the peers' stop).
func startNginxTLS(ctx context.Context, cfg config, cf certFiles) (*running, error) {
	dir := filepath.Join(cfg.Work, "nginx-tls")
	for _, d := range []string{"logs", "cache", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	tmpl, err := os.ReadFile(filepath.Join(cfg.PeersDir, "nginx.conf.tmpl"))
	if err != nil {
		return nil, err
	}
	conf, err := nginxTLSConfig(tmpl, dir, fmt.Sprintf("127.0.0.1:%d", cfg.peerPort()),
		fmt.Sprintf("127.0.0.1:%d", cfg.peerTLSPort()), fmt.Sprintf("127.0.0.1:%d", cfg.originPort()),
		cfg.CacheMB, cf, os.Getuid() == 0)
	if err != nil {
		return nil, err
	}
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	p, err := startProc("nginx-tls", filepath.Join(dir, "peer.log"), nginxBin,
		"-p", dir+"/", "-c", confPath, "-e", filepath.Join(dir, "logs/error.log"))
	if err != nil {
		return nil, err
	}
	pid := p.cmd.Process.Pid
	_ = os.WriteFile(filepath.Join(dir, "peer.pid"), []byte(strconv.Itoa(pid)+"\n"), 0o644)
	if err := waitHTTP(ctx, httpClient, fmt.Sprintf("http://127.0.0.1:%d/", cfg.peerPort()), 30*time.Second); err != nil {
		p.stop()
		b, _ := os.ReadFile(filepath.Join(dir, "logs/error.log"))
		return nil, fmt.Errorf("nginx with TLS: %w: %s", err, tail(string(b), 400))
	}
	return &running{
		stop: func() { p.stop(); _ = os.Remove(filepath.Join(dir, "peer.pid")) },
		pids: func() []int { return groupPIDs(filepath.Join(dir, "peer.pid")) },
	}, nil
}
