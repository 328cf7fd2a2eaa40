package k8s

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func load(t *testing.T, dir string) []Object {
	t.Helper()
	objs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatalf("no manifests under %s", dir)
	}
	return objs
}

// TestManifestsDecodeStrictly: every shipped document decodes into its
// k8s.io/api type with unknown fields refused, and the decoder does refuse
// what a lenient one would drop.
func TestManifestsDecodeStrictly(t *testing.T) {
	want := map[string][]string{
		"pop":    {"ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "Service"},
		"fleet":  {"ConfigMap", "PodDisruptionBudget", "Service", "Service", "StatefulSet"},
		"router": {"ConfigMap", "Deployment", "PodDisruptionBudget", "Service"},
	}
	for dir, kinds := range want {
		var got []string
		for _, o := range load(t, dir) {
			got = append(got, o.Kind)
		}
		if g, w := strings.Join(sorted(got), ","), strings.Join(kinds, ","); g != w {
			t.Errorf("%s: kinds %s, want %s", dir, g, w)
		}
	}
	bad := []struct{ name, doc, want string }{
		{"misspelt field", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIp: None}\n", "unknown field"},
		{"field at the wrong level", "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nmaxUnavailable: 1\n", "unknown field"},
		{"duplicate key", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\ndata: {c: d}\n", "duplicate"},
		{"wrong type", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: three}\n", "cannot unmarshal"},
	}
	for _, b := range bad {
		if _, err := Decode(b.name, []byte(b.doc)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err %v, want one containing %q", b.name, err, b.want)
		}
	}
	if _, err := Decode("kind", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n")); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: err %v, want ErrUnknownKind", err)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func selects(t *testing.T, what string, sel *metav1.LabelSelector, pod map[string]string) {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if s.Empty() || !s.Matches(labels.Set(pod)) {
		t.Errorf("%s: selector %v does not select the pods (labels %v)", what, sel, pod)
	}
}

// TestPOPSelectorsMatchTheDeployment: the Deployment's selector, both
// Services, the PodDisruptionBudget and the NetworkPolicy all select the
// edge pods; the peering Service is headless and leaves not-ready pods out.
func TestPOPSelectorsMatchTheDeployment(t *testing.T) {
	objs := load(t, "pop")
	d := Find[appsv1.Deployment](objs, "Deployment", "streamedge")
	if d == nil {
		t.Fatal("no Deployment streamedge")
	}
	pod := d.Spec.Template.Labels
	selects(t, "Deployment", d.Spec.Selector, pod)
	for _, name := range []string{"streamedge", "streamedge-peers"} {
		s := Find[corev1.Service](objs, "Service", name)
		if s == nil {
			t.Fatalf("no Service %s", name)
		}
		selects(t, "Service "+name, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, pod)
		for _, p := range s.Spec.Ports {
			if containerPort(d.Spec.Template.Spec.Containers[0], p.TargetPort.String()) == 0 {
				t.Errorf("Service %s port %s: targetPort %s is no container port", name, p.Name, p.TargetPort.String())
			}
		}
	}
	peers := Find[corev1.Service](objs, "Service", "streamedge-peers")
	if peers.Spec.ClusterIP != corev1.ClusterIPNone || peers.Spec.PublishNotReadyAddresses {
		t.Errorf("peers Service: clusterIP %q publishNotReadyAddresses %v, want None and false", peers.Spec.ClusterIP, peers.Spec.PublishNotReadyAddresses)
	}
	if v := Find[corev1.Service](objs, "Service", "streamedge"); v.Spec.ClusterIP == corev1.ClusterIPNone {
		t.Error("viewers Service is headless")
	}
	pdb := Find[policyv1.PodDisruptionBudget](objs, "PodDisruptionBudget", "streamedge")
	if pdb == nil {
		t.Fatal("no PodDisruptionBudget streamedge")
	}
	selects(t, "PodDisruptionBudget", pdb.Spec.Selector, pod)
	if pdb.Spec.MaxUnavailable == nil || pdb.Spec.MaxUnavailable.IntValue() < 1 || int32(pdb.Spec.MaxUnavailable.IntValue()) >= *d.Spec.Replicas {
		t.Errorf("PodDisruptionBudget maxUnavailable %v with %d replicas: want 1..replicas-1", pdb.Spec.MaxUnavailable, *d.Spec.Replicas)
	}
	np := Find[networkingv1.NetworkPolicy](objs, "NetworkPolicy", "streamedge")
	if np == nil {
		t.Fatal("no NetworkPolicy streamedge")
	}
	selects(t, "NetworkPolicy", &np.Spec.PodSelector, pod)
	for _, tc := range d.Spec.Template.Spec.TopologySpreadConstraints {
		selects(t, "topologySpreadConstraints", tc.LabelSelector, pod)
	}
}

func containerPort(c corev1.Container, name string) int32 {
	for _, p := range c.Ports {
		if p.Name == name || (name == strconv.Itoa(int(p.ContainerPort))) {
			return p.ContainerPort
		}
	}
	return 0
}

// TestPOPPodIsLockedDown: non-root, read-only root filesystem, no
// privilege escalation, no capabilities; the only writable path is the
// emptyDir the cache snapshot goes to; the config is the ConfigMap, mounted
// as a directory so updates reach it (a subPath mount never updates).
func TestPOPPodIsLockedDown(t *testing.T) {
	objs := load(t, "pop")
	d := Find[appsv1.Deployment](objs, "Deployment", "streamedge")
	spec := d.Spec.Template.Spec
	if spec.SecurityContext == nil || spec.SecurityContext.RunAsNonRoot == nil || !*spec.SecurityContext.RunAsNonRoot ||
		spec.SecurityContext.RunAsUser == nil || *spec.SecurityContext.RunAsUser == 0 {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and a non-zero runAsUser", spec.SecurityContext)
	}
	c := spec.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.Capabilities == nil || len(sc.Capabilities.Drop) == 0 {
		t.Errorf("container securityContext %+v: want a read-only root, no escalation, capabilities dropped", sc)
	}
	vols := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		vols[v.Name] = v
	}
	for _, m := range c.VolumeMounts {
		v, ok := vols[m.Name]
		switch {
		case !ok:
			t.Errorf("mount %s: no such volume", m.Name)
		case v.EmptyDir != nil:
			if v.EmptyDir.Medium == corev1.StorageMediumMemory || v.EmptyDir.SizeLimit == nil {
				t.Errorf("emptyDir %s: want on disk with a sizeLimit", m.Name)
			}
		case v.ConfigMap != nil:
			if !m.ReadOnly || m.SubPath != "" {
				t.Errorf("ConfigMap mount %s: want read-only, no subPath", m.Name)
			}
			if Find[corev1.ConfigMap](objs, "ConfigMap", v.ConfigMap.Name) == nil {
				t.Errorf("volume %s: ConfigMap %s is not in pop/", m.Name, v.ConfigMap.Name)
			}
		default:
			t.Errorf("mount %s: neither an emptyDir nor the ConfigMap", m.Name)
		}
	}
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil {
		t.Error("no preStop: SIGTERM would come before endpoints drop the pod")
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Error("the edge needs no API token: automountServiceAccountToken: false")
	}
}

// TestFleetStatefulSetIsAThreeNodeCluster: 3 replicas, the headless
// governing Service exists and selects them, every route in nats.conf names
// a pod of it, data on a volumeClaimTemplate, a PDB keeping a majority.
func TestFleetStatefulSetIsAThreeNodeCluster(t *testing.T) {
	objs := load(t, "fleet")
	ss := Find[appsv1.StatefulSet](objs, "StatefulSet", "nats")
	if ss == nil || ss.Spec.Replicas == nil || *ss.Spec.Replicas != 3 {
		t.Fatalf("StatefulSet nats: %v, want 3 replicas", ss)
	}
	pod := ss.Spec.Template.Labels
	selects(t, "StatefulSet", ss.Spec.Selector, pod)
	gov := Find[corev1.Service](objs, "Service", ss.Spec.ServiceName)
	if gov == nil || gov.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Fatalf("governing Service %q: %v, want headless", ss.Spec.ServiceName, gov)
	}
	selects(t, "Service "+gov.Name, &metav1.LabelSelector{MatchLabels: gov.Spec.Selector}, pod)
	client := Find[corev1.Service](objs, "Service", "nats")
	selects(t, "Service nats", &metav1.LabelSelector{MatchLabels: client.Spec.Selector}, pod)
	cm := Find[corev1.ConfigMap](objs, "ConfigMap", "nats-config")
	conf := cm.Data["nats.conf"]
	for i := range 3 {
		route := "nats://nats-" + strconv.Itoa(i) + "." + gov.Name + "."
		if !strings.Contains(conf, route) {
			t.Errorf("nats.conf has no route %s...", route)
		}
	}
	if !strings.Contains(conf, "jetstream") || len(ss.Spec.VolumeClaimTemplates) != 1 {
		t.Error("want JetStream on a volumeClaimTemplate")
	}
	pdb := Find[policyv1.PodDisruptionBudget](objs, "PodDisruptionBudget", "nats")
	selects(t, "PodDisruptionBudget nats", pdb.Spec.Selector, pod)
	if pdb.Spec.MaxUnavailable == nil || pdb.Spec.MaxUnavailable.IntValue() != 1 {
		t.Errorf("nats PDB maxUnavailable %v: want 1 (a Raft majority of 3 stays)", pdb.Spec.MaxUnavailable)
	}
	if sc := ss.Spec.Template.Spec.Containers[0].SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("nats container: want a read-only root filesystem")
	}
}

// TestRouterManifestsSelectTheRouter: the router's Service (DNS over UDP
// and TCP, HTTP) and PDB select its pods, every target port is a container
// port of the right protocol, and the pod is locked down like the edges'.
func TestRouterManifestsSelectTheRouter(t *testing.T) {
	objs := load(t, "router")
	d := Find[appsv1.Deployment](objs, "Deployment", "streamedge-router")
	if d == nil {
		t.Fatal("no Deployment streamedge-router")
	}
	pod := d.Spec.Template.Labels
	selects(t, "Deployment", d.Spec.Selector, pod)
	s := Find[corev1.Service](objs, "Service", "streamedge-router")
	selects(t, "Service", &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, pod)
	c := d.Spec.Template.Spec.Containers[0]
	for _, p := range s.Spec.Ports {
		found := false
		for _, cp := range c.Ports {
			found = found || (cp.Name == p.TargetPort.String() && cp.Protocol == p.Protocol)
		}
		if !found {
			t.Errorf("Service port %s: no %s container port %s", p.Name, p.Protocol, p.TargetPort.String())
		}
	}
	selects(t, "PodDisruptionBudget", Find[policyv1.PodDisruptionBudget](objs, "PodDisruptionBudget", "streamedge-router").Spec.Selector, pod)
	if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || d.Spec.Template.Spec.SecurityContext.RunAsNonRoot == nil {
		t.Error("router pod: want non-root and a read-only root filesystem")
	}
}
