package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any bytes either load (and then pass validation again, stable)
// or fail with Errors whose every entry has a line, a column and a reason;
// the loader never panics.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"testdata/bad/*.yaml", "testdata/good/*.yaml", "../deploy/edge.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("default_behavior: {origin: a}\norigins: {a: {url: 'http://h'}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil {
			if cfg == nil || cfg.DefaultBehavior == nil {
				t.Fatal("a valid file without a default behavior")
			}
			v := &validator{f: cfg}
			v.file()
			if len(v.probs) > 0 {
				t.Fatalf("revalidation found %v", v.probs)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error %T %v is not Errors", err, err)
		}
		for _, e := range es {
			if e.File != "fuzz.yaml" || e.Line < 1 || e.Column < 1 || e.Reason == "" {
				t.Fatalf("error without position or reason: %+v", e)
			}
		}
	})
}
