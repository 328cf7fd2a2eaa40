package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	edgeconf "github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/deploy/k8s"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// k8sPOP is the POP manifests' edge container, its pod and its ConfigMap.
func k8sPOP(t *testing.T) (*appsv1.Deployment, corev1.Container, *corev1.ConfigMap) {
	t.Helper()
	objs, err := k8s.Load("pop")
	if err != nil {
		t.Fatal(err)
	}
	d := k8s.Find[appsv1.Deployment](objs, "Deployment", "streamedge")
	cm := k8s.Find[corev1.ConfigMap](objs, "ConfigMap", "streamedge-config")
	if d == nil || cm == nil || len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatal("deploy/k8s/pop: want Deployment streamedge with one container and ConfigMap streamedge-config")
	}
	return d, d.Spec.Template.Spec.Containers[0], cm
}

// k8sServeFlags parses the container's args with serve's own flag parser.
func k8sServeFlags(t *testing.T, c corev1.Container) config {
	t.Helper()
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("container args %q: want serve first", c.Args)
	}
	cfg, err := parseFlags("serve", c.Args[1:], io.Discard)
	if err != nil {
		t.Fatalf("streamedge serve %q: %v", c.Args[1:], err)
	}
	return cfg
}

// TestK8sArgsAreServeFlags: the Deployment's args pass serve's flag parser;
// -config is the ConfigMap's key where the ConfigMap is mounted, and that
// edge.yaml passes config.Parse; -cache-file is on the emptyDir; -admin
// listens on the pod's address at the port the probes name, with pprof off.
func TestK8sArgsAreServeFlags(t *testing.T) {
	d, c, cm := k8sPOP(t)
	cfg := k8sServeFlags(t, c)
	mounts := map[string]corev1.VolumeMount{}
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m
	}
	vol := func(name string) corev1.Volume {
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Name == name {
				return v
			}
		}
		t.Fatalf("no volume %s", name)
		return corev1.Volume{}
	}
	cfgMount, ok := mounts[path.Dir(cfg.ConfigFile)]
	if !ok || vol(cfgMount.Name).ConfigMap == nil || vol(cfgMount.Name).ConfigMap.Name != cm.Name {
		t.Fatalf("-config %s: its directory is not the ConfigMap %s's mount", cfg.ConfigFile, cm.Name)
	}
	yml, ok := cm.Data[path.Base(cfg.ConfigFile)]
	if !ok {
		t.Fatalf("ConfigMap %s has no key %s", cm.Name, path.Base(cfg.ConfigFile))
	}
	if _, err := edgeconf.Parse("configmap/edge.yaml", []byte(yml)); err != nil {
		t.Fatalf("the ConfigMap's edge.yaml: %v", err)
	}
	if m, ok := mounts[cfg.CacheFile]; !ok || vol(m.Name).EmptyDir == nil {
		t.Errorf("-cache-file %s: not an emptyDir mount (the root filesystem is read-only)", cfg.CacheFile)
	}
	host, port, err := net.SplitHostPort(cfg.Admin)
	if err != nil || (host != "" && host != "0.0.0.0" && host != "::") {
		t.Fatalf("-admin %q: want the pod's address (:PORT), or the kubelet's probes cannot reach it", cfg.Admin)
	}
	p, _ := net.LookupPort("tcp", port)
	for what, pr := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe, "startup": c.StartupProbe} {
		if pr == nil || pr.HTTPGet == nil {
			t.Errorf("%s probe: want an httpGet", what)
			continue
		}
		if containerPortOf(c, pr.HTTPGet.Port.String()) != int32(p) {
			t.Errorf("%s probe port %s is not -admin's %d", what, pr.HTTPGet.Port.String(), p)
		}
	}
	if c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Errorf("probes: readiness %s liveness %s, want /readyz and /healthz", c.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path)
	}
	if on, _ := pprofWanted(cfg.Pprof, &net.TCPAddr{IP: net.IPv4zero, Port: p}); on {
		t.Errorf("-pprof %s with -admin %s: pprof would be reachable from the pod network", cfg.Pprof, cfg.Admin)
	}
}

func containerPortOf(c corev1.Container, port string) int32 {
	for _, p := range c.Ports {
		if p.Name == port || port == strconv.Itoa(int(p.ContainerPort)) {
			return p.ContainerPort
		}
	}
	return 0
}

// TestK8sResourcesFitTheCache: the memory request and limit hold
// -cache-size plus the README's margin (x1.25 + 1GiB) and are equal (no
// overcommit: an OOM kill loses the whole cache); the snapshot's emptyDir
// holds -cache-size; the grace period covers preStop, -drain-timeout and a
// snapshot save.
func TestK8sResourcesFitTheCache(t *testing.T) {
	d, c, _ := k8sPOP(t)
	cfg := k8sServeFlags(t, c)
	need := int64(cfg.CacheSize)*5/4 + 1<<30
	lim, req := c.Resources.Limits[corev1.ResourceMemory], c.Resources.Requests[corev1.ResourceMemory]
	if lim.Value() < need || req.Cmp(lim) != 0 {
		t.Errorf("memory request %s limit %s with -cache-size %s: want both equal and >= %d", req.String(), lim.String(), cfg.CacheSize, need)
	}
	if _, ok := c.Resources.Limits[corev1.ResourceCPU]; ok {
		t.Error("a CPU limit throttles the edge under load (CFS quota): request CPU, do not limit it")
	}
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.EmptyDir != nil && (v.EmptyDir.SizeLimit == nil || v.EmptyDir.SizeLimit.Value() < int64(cfg.CacheSize)) {
			t.Errorf("emptyDir %s sizeLimit %v: the snapshot is up to -cache-size %s", v.Name, v.EmptyDir.SizeLimit, cfg.CacheSize)
		}
	}
	var preStop time.Duration
	if ps := c.Lifecycle.PreStop; ps != nil && ps.Sleep != nil {
		preStop = time.Duration(ps.Sleep.Seconds) * time.Second
	}
	grace := time.Duration(*d.Spec.Template.Spec.TerminationGracePeriodSeconds) * time.Second
	if preStop == 0 || grace < preStop+cfg.DrainTimeout+10*time.Second {
		t.Errorf("terminationGracePeriodSeconds %s: want preStop (%s) + -drain-timeout (%s) + 10s to save the snapshot", grace, preStop, cfg.DrainTimeout)
	}
	if preStop >= grace-cfg.DrainTimeout {
		t.Errorf("preStop %s leaves no room for the drain", preStop)
	}
}

var clusterOrigin = regexp.MustCompile(`http://[a-z0-9.-]+\.svc\.cluster\.local:[0-9]+`)

// TestK8sProbesAnswerOnTheManifestsEdge runs serve with the Deployment's
// args (addresses, sizes and paths moved to the test's) and the ConfigMap's
// edge.yaml (its cluster origins pointed at a local one): the probe paths
// answer 200 on the admin listener, and an unknown path does not, so the
// check means something.
func TestK8sProbesAnswerOnTheManifestsEdge(t *testing.T) {
	_, c, cm := k8sPOP(t)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer origin.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "edge.yaml")
	if err := os.WriteFile(file, []byte(clusterOrigin.ReplaceAllString(cm.Data["edge.yaml"], origin.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append(slices.Clone(c.Args[1:]), "-listen", "127.0.0.1:0", "-admin", "127.0.0.1:0", "-access-log", "off",
		"-cache-size", "256MiB", "-max-object-size", "8MiB", "-cache-file", filepath.Join(dir, "cache"), "-config", file)
	r := startEdge(t, args...)
	probes := map[string]int{c.ReadinessProbe.HTTPGet.Path: 200, c.LivenessProbe.HTTPGet.Path: 200, c.StartupProbe.HTTPGet.Path: 200, "/no-such-probe": 404}
	for p, want := range probes {
		resp, err := http.Get(r.admin + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET admin %s: %d, want %d", p, resp.StatusCode, want)
		}
	}
}
