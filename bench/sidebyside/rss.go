package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// memSample is a cache's memory at the end of a phase, summed over its
// processes (nginx: master and workers; Varnish: manager and child; ATS:
// traffic_server; streamedge: one process). PeakMiB is the sum of each
// process's VmHWM (peak resident set), so for several processes sharing
// pages it overstates; streamedge's is exact.
type memSample struct {
	Processes int     `json:"processes"`
	RSSMiB    float64 `json:"rss_mib"`
	PeakMiB   float64 `json:"peak_rss_mib"`
}

// sampleMem reads /proc/PID/status of every pid; nil when none is readable.
func sampleMem(pids []int) *memSample {
	var m memSample
	for _, pid := range pids {
		rss, hwm, ok := procMem(pid)
		if !ok {
			continue
		}
		m.Processes++
		m.RSSMiB += rss
		m.PeakMiB += hwm
	}
	if m.Processes == 0 {
		return nil
	}
	return &m
}

// procMem is VmRSS and VmHWM of one process, in MiB.
func procMem(pid int) (rss, hwm float64, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0, false
	}
	return parseStatusMem(b)
}

// parseStatusMem reads "VmRSS:  1234 kB" and "VmHWM: …" lines.
func parseStatusMem(b []byte) (rss, hwm float64, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	var seen int
	for sc.Scan() {
		k, v, found := strings.Cut(sc.Text(), ":")
		if !found || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		seen++
		if k == "VmRSS" {
			rss = kb / 1024
		} else {
			hwm = kb / 1024
		}
	}
	return rss, hwm, seen == 2
}

// groupPIDs lists the processes of the process group led by the PID in
// pidFile (the peers run under setsid, nginx-tls under setpgid: the group
// is the server and its children).
func groupPIDs(pidFile string) []int {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return nil
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return nil
	}
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err == nil && statGroup(st) == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}

// statGroup is field 5 (process group) of /proc/PID/stat; the command name
// in field 2 may hold spaces and parentheses, so fields count from the last
// ')'.
func statGroup(st []byte) int {
	i := bytes.LastIndexByte(st, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(st[i+1:]))
	if len(f) < 4 {
		return -1
	}
	pgid, err := strconv.Atoi(f[2])
	if err != nil {
		return -1
	}
	return pgid
}

// peakMem is the highest peak over a cache's phases (nil if none sampled).
func peakMem(samples ...*memSample) *memSample {
	var best *memSample
	for _, s := range samples {
		if s != nil && (best == nil || s.PeakMiB > best.PeakMiB) {
			best = s
		}
	}
	return best
}
