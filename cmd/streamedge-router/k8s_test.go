package main

import (
	"io"
	"net"
	"path"
	"strconv"
	"testing"

	"github.com/streamedge/streamedge/deploy/k8s"
	"github.com/streamedge/streamedge/internal/routing"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestK8sRouterArgsAndConfig: the router Deployment's args pass the
// command's flag parser, -config is the ConfigMap's key at its mount and
// parses as a router configuration, the ports the args listen on are the
// container's, and the probes name -admin's port and a path it serves.
func TestK8sRouterArgsAndConfig(t *testing.T) {
	objs, err := k8s.Load("router")
	if err != nil {
		t.Fatal(err)
	}
	d := k8s.Find[appsv1.Deployment](objs, "Deployment", "streamedge-router")
	cm := k8s.Find[corev1.ConfigMap](objs, "ConfigMap", "streamedge-router-config")
	c := d.Spec.Template.Spec.Containers[0]
	f, err := parse(c.Args, io.Discard)
	if err != nil {
		t.Fatalf("args %q: %v", c.Args, err)
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		for _, v := range d.Spec.Template.Spec.Volumes {
			mounted = mounted || (m.Name == v.Name && m.MountPath == path.Dir(f.config) && v.ConfigMap != nil && v.ConfigMap.Name == cm.Name)
		}
	}
	if !mounted {
		t.Errorf("-config %s is not in the ConfigMap's mount", f.config)
	}
	if _, err := routing.ParseConfig([]byte(cm.Data[path.Base(f.config)])); err != nil {
		t.Errorf("the ConfigMap's %s: %v", path.Base(f.config), err)
	}
	port := func(addr string) string {
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	has := func(p string, proto corev1.Protocol) string {
		for _, cp := range c.Ports {
			if strconv.Itoa(int(cp.ContainerPort)) == p && cp.Protocol == proto {
				return cp.Name
			}
		}
		t.Errorf("no %s container port %s", proto, p)
		return ""
	}
	has(port(f.dns), corev1.ProtocolUDP)
	has(port(f.dns), corev1.ProtocolTCP)
	has(port(f.http), corev1.ProtocolTCP)
	admin := has(port(f.admin), corev1.ProtocolTCP)
	for _, pr := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
		if pr.HTTPGet.Port.String() != admin || pr.HTTPGet.Path != "/healthz" {
			t.Errorf("probe %s on %s: want /healthz on the admin port %s", pr.HTTPGet.Path, pr.HTTPGet.Port.String(), admin)
		}
	}
}
