package k8s

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

//go:embed pop/*.yaml fleet/*.yaml router/*.yaml
var files embed.FS

// Object is one decoded manifest document.
type Object struct {
	File string // e.g. "pop/deployment.yaml"
	Kind string
	Name string
	Obj  any // *appsv1.Deployment, *corev1.Service, ...
}

// kinds are the manifest kinds this repository ships, by apiVersion/kind.
var kinds = map[string]func() any{
	"v1/ConfigMap":                       func() any { return &corev1.ConfigMap{} },
	"v1/Service":                         func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                 func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                func() any { return &appsv1.StatefulSet{} },
	"policy/v1/PodDisruptionBudget":      func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return &networkingv1.NetworkPolicy{} },
}

// ErrUnknownKind is a document whose apiVersion/kind is none of kinds.
var ErrUnknownKind = errors.New("unknown apiVersion/kind")

// Load decodes every document of every manifest under dir ("pop", "fleet").
func Load(dir string) ([]Object, error) {
	names, err := fs.Glob(files, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []Object
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		objs, err := Decode(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

// Decode splits a multi-document YAML file and decodes each document
// strictly: duplicate keys, unknown fields and unknown kinds are errors.
func Decode(name string, data []byte) ([]Object, error) {
	r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []Object
	for i := 1; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", name, i, err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		o, err := decodeDoc(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", name, i, err)
		}
		o.File = name
		out = append(out, o)
	}
}

func decodeDoc(doc []byte) (Object, error) {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return Object{}, err
	}
	var tm metav1.TypeMeta
	if err := json.Unmarshal(js, &tm); err != nil {
		return Object{}, err
	}
	mk, ok := kinds[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return Object{}, fmt.Errorf("%w: %s %s", ErrUnknownKind, tm.APIVersion, tm.Kind)
	}
	obj := mk()
	// The API server's own decoding: field names are case-sensitive
	// (encoding/json would take clusterIp for clusterIP), unknown and
	// duplicate fields are errors.
	strict, err := sigsjson.UnmarshalStrict(js, obj)
	if err != nil {
		return Object{}, fmt.Errorf("%s: %w", tm.Kind, err)
	}
	if len(strict) > 0 {
		return Object{}, fmt.Errorf("%s: %w", tm.Kind, errors.Join(strict...))
	}
	return Object{Kind: tm.Kind, Name: objectName(obj), Obj: obj}, nil
}

func objectName(obj any) string {
	if m, ok := obj.(metav1.Object); ok {
		return m.GetName()
	}
	return ""
}

// stripComments drops whole-line comments, so a document of comments only
// counts as empty.
func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// Find returns the object of kind and name among objs, or nil.
func Find[T any](objs []Object, kind, name string) *T {
	for _, o := range objs {
		if o.Kind == kind && o.Name == name {
			if t, ok := o.Obj.(*T); ok {
				return t
			}
		}
	}
	return nil
}
