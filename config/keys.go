package config

import (
	"reflect"
	"sort"
	"strings"
)

// yamlFields are the keys a struct type accepts (inline embedded structs
// flattened), with each key's field type.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

// typeAt is the Go type the value at p decodes into (nil when p leaves the
// schema).
func typeAt(p path) reflect.Type {
	t := reflect.TypeFor[File]()
	for _, e := range p {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			k, ok := e.(string)
			if !ok {
				return nil
			}
			if t = yamlFields(t)[k]; t == nil {
				return nil
			}
		case reflect.Map, reflect.Slice:
			t = t.Elem()
		default:
			return nil
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// knownKeys lists the keys valid where p's last key is, for an unknown-key
// error.
func knownKeys(p path) string {
	if len(p) == 0 {
		return ""
	}
	t := typeAt(p[:len(p)-1])
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	var keys []string
	for k := range yamlFields(t) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
