package config

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSchemaMatchesTypes: every key the Go types accept is in
// edge.schema.json and the schema has no key the loader would refuse; every
// schema object closes itself (additionalProperties false) so editors flag
// unknown keys as the loader does.
func TestSchemaMatchesTypes(t *testing.T) {
	b, err := os.ReadFile("edge.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	goKeys := map[string]bool{}
	walkType(reflect.TypeFor[File](), "", goKeys)
	s := schemaWalker{root: root, keys: map[string]bool{}, t: t}
	s.walk(root, "")
	for k := range goKeys {
		if !s.keys[k] {
			t.Errorf("the loader accepts %s, the schema does not have it", k)
		}
	}
	for k := range s.keys {
		if !goKeys[k] {
			t.Errorf("the schema has %s, the loader refuses it", k)
		}
	}
	if len(goKeys) < 80 {
		t.Errorf("only %d keys walked: the walk is broken", len(goKeys))
	}
}

func walkType(t reflect.Type, prefix string, out map[string]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		for k, ft := range yamlFields(t) {
			out[prefix+"."+k] = true
			walkType(ft, prefix+"."+k, out)
		}
	case reflect.Map:
		walkType(t.Elem(), prefix+".*", out)
	case reflect.Slice:
		walkType(t.Elem(), prefix+"[]", out)
	}
}

type schemaWalker struct {
	root map[string]any
	keys map[string]bool
	t    *testing.T
}

func (s schemaWalker) resolve(n map[string]any) map[string]any {
	for {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n
		}
		name := strings.TrimPrefix(ref, "#/$defs/")
		def, ok := s.root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok {
			s.t.Fatalf("dangling $ref %s", ref)
		}
		n = def
	}
}

func (s schemaWalker) walk(n map[string]any, prefix string) {
	n = s.resolve(n)
	if props, ok := n["properties"].(map[string]any); ok {
		if n["additionalProperties"] != false {
			s.t.Errorf("schema object at %q does not set additionalProperties: false", prefix)
		}
		for k, v := range props {
			s.keys[prefix+"."+k] = true
			s.walk(v.(map[string]any), prefix+"."+k)
		}
		req, _ := n["required"].([]any)
		for _, r := range req {
			if _, ok := props[r.(string)]; !ok {
				s.t.Errorf("schema at %q requires %v, which it does not define", prefix, r)
			}
		}
	} else if ap, ok := n["additionalProperties"].(map[string]any); ok {
		s.walk(ap, prefix+".*")
	}
	if items, ok := n["items"].(map[string]any); ok {
		s.walk(items, prefix+"[]")
	}
}

// TestSchemaEnumsMatchValidation: the enums the schema offers editors are
// the values the validator accepts.
func TestSchemaEnumsMatchValidation(t *testing.T) {
	b, err := os.ReadFile("edge.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum  []any `json:"enum"`
				Items struct {
					Enum []any `json:"enum"`
				} `json:"items"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	str := func(vs []any) []string {
		var out []string
		for _, v := range vs {
			out = append(out, jsonString(v))
		}
		slices.Sort(out)
		return out
	}
	sorted := func(vs []string) []string { vs = slices.Clone(vs); slices.Sort(vs); return vs }
	statuses := func(vs []Status) []string {
		var out []string
		for _, v := range vs {
			out = append(out, jsonString(float64(v)))
		}
		slices.Sort(out)
		return out
	}
	checks := []struct {
		name         string
		schema, want []string
	}{
		{"viewer_protocol", str(root.Defs["behavior_settings"].Properties["viewer_protocol"].Enum), sorted(viewerProtocols)},
		{"failover_statuses", str(root.Defs["origin_group"].Properties["failover_statuses"].Items.Enum), statuses(groupStatuses)},
		{"error status", str(root.Defs["error_response"].Properties["status"].Enum), statuses(errorCodes)},
		{"response_status", str(root.Defs["error_response"].Properties["response_status"].Enum), statuses(responseCodes)},
		{"cors allow_methods", str(root.Defs["cors"].Properties["allow_methods"].Items.Enum), sorted(corsMethods)},
		{"frame_options", str(root.Defs["security"].Properties["frame_options"].Enum), sorted(frameOptions)},
		{"referrer_policy", str(root.Defs["security"].Properties["referrer_policy"].Enum), sorted(referrerPolicys)},
		{"url_style", str(root.Defs["s3_origin"].Properties["url_style"].Enum), sorted([]string{"virtual-hosted", "path"})},
		{"allowed_methods", str(root.Defs["behavior_settings"].Properties["allowed_methods"].Items.Enum), sorted(methodSets[len(methodSets)-1])},
	}
	for _, c := range checks {
		if !slices.Equal(c.schema, c.want) {
			t.Errorf("%s: schema enum %v, validator %v", c.name, c.schema, c.want)
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
