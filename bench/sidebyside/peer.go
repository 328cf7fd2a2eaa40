package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// results is everything the run measured (BENCH_OUT).
type results struct {
	Started  time.Time              `json:"started"`
	Finished time.Time              `json:"finished"`
	Machine  machine                `json:"machine"`
	Config   config                 `json:"config"`
	Ceilings []*ceilingResult       `json:"ceilings"` // net/http, fasthttp
	Cert     *certFiles             `json:"tls_cert,omitempty"`
	Peers    map[string]*peerResult `json:"peers"`
	Table    table                  `json:"table"`
	Targets  []target               `json:"targets"`
	// Phase (f), LL-HLS: its own table and issue 12's targets.
	LLDirect  *llResult `json:"llhls_direct,omitempty"` // the same players on the origin, no cache
	LLTable   string    `json:"llhls_table,omitempty"`
	LLTargets []target  `json:"llhls_targets,omitempty"`
}

// peerResult holds one cache's phases; each starts it cold.
type peerResult struct {
	Version  string        `json:"version"`
	Hits     *hitsResult   `json:"hits"`
	HTTPS    *httpsResult  `json:"https,omitempty"` // nginx and streamedge only
	Herd     *herdResult   `json:"herd"`
	Live     *fanoutResult `json:"live_max_age_1"`
	LiveLong *fanoutResult `json:"live_max_age_3600"`
	LL       *llResult     `json:"llhls,omitempty"` // phase (f)
	// CPUBusy is the machine's CPU use just before each phase (other work).
	CPUBusy map[string]float64 `json:"cpu_busy_before_phase"`
}

func benchPeer(ctx context.Context, cfg config, name string, cf *certFiles) *peerResult {
	res := &peerResult{Version: peerVersion(cfg, name), CPUBusy: map[string]float64{}}
	logf("== %s %s", name, res.Version)
	errs := map[string]string{}
	if cfg.mainPhases() {
		benchMain(ctx, cfg, name, cf, res)
		errs = map[string]string{"hits": res.Hits.Error, "herd": res.Herd.Error,
			"live max-age=1": res.Live.Error, "live max-age=3600": res.LiveLong.Error}
	}
	if cfg.phase("llhls") {
		res.CPUBusy["llhls"] = waitQuiet(ctx, cfg, name)
		res.LL = llPhase(ctx, cfg, name)
		errs["llhls"] = res.LL.Error
	}
	if h := res.HTTPS; h != nil {
		errs["https"] = h.Error
		if h.H1 != nil && h.H1.Error != "" {
			errs["https/1.1"] = h.H1.Error
		}
		if h.H2 != nil && h.H2.Error != "" {
			errs["http/2"] = h.H2.Error
		}
	}
	for phase, e := range errs {
		if e != "" {
			logf("%s: %s phase FAILED: %s", name, phase, e)
		}
	}
	return res
}

// benchMain runs phases (a), (e), (b), (c) and (d) on one cache.
func benchMain(ctx context.Context, cfg config, name string, cf *certFiles, res *peerResult) {
	res.CPUBusy["hits"] = waitQuiet(ctx, cfg, name)
	res.Hits = peerHits(ctx, cfg, name)
	if tlsPeers[name] {
		res.CPUBusy["https"] = waitQuiet(ctx, cfg, name)
		res.HTTPS = peerHTTPS(ctx, cfg, name, cf)
	}
	res.CPUBusy["herd"] = waitQuiet(ctx, cfg, name)
	res.Herd = herdPhase(ctx, cfg, name)
	res.CPUBusy["live_max_age_1"] = waitQuiet(ctx, cfg, name)
	res.Live = fanoutPhase(ctx, cfg, name, 0)
	res.CPUBusy["live_max_age_3600"] = waitQuiet(ctx, cfg, name)
	res.LiveLong = fanoutPhase(ctx, cfg, name, time.Hour)
}

// peerHits is phase (a) with a plain origin and a cold peer.
func peerHits(ctx context.Context, cfg config, name string) *hitsResult {
	origin, err := startOrigin(ctx, cfg, name+"-hits")
	if err != nil {
		return &hitsResult{Error: errString(err)}
	}
	defer origin.stop()
	peer, err := startPeer(ctx, cfg, name, "hits")
	if err != nil {
		return &hitsResult{Error: errString(err)}
	}
	defer peer.stop()
	res := hitsPhase(ctx, cfg, name, fmt.Sprintf("http://127.0.0.1:%d", cfg.peerPort()), httpClient, runWrk)
	res.Edge = edgeMetrics(ctx, cfg, name)
	res.Memory = sampleMem(peer.pids())
	return res
}

// peerVersion is the Debian package version, or streamedge's git describe.
func peerVersion(cfg config, name string) string {
	pkg := map[string]string{"nginx": "nginx", "varnish": "varnish", "ats": "trafficserver"}[name]
	var out []byte
	if pkg != "" {
		out, _ = exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	} else {
		out, _ = exec.Command(cfg.Bin+"/streamedge", "version").Output()
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "streamedge ")
}

// machine identifies where the figures come from.
type machine struct {
	NProc  int    `json:"nproc"`
	CPU    string `json:"cpu_model"`
	Kernel string `json:"kernel"`
	Go     string `json:"go"`
	// LoadAvg is /proc/loadavg at the start and the end: other work on the
	// machine skews every figure.
	LoadAvg []string `json:"loadavg"`
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}

func machineInfo(config) machine {
	m := machine{NProc: runtime.NumCPU(), CPU: "unknown", Go: runtime.Version(), LoadAvg: []string{loadAvg()}}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

func (m machine) String() string {
	return fmt.Sprintf("nproc %d, %s, %s", m.NProc, m.CPU, m.Kernel)
}
