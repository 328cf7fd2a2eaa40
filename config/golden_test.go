package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/*.err from the loader's output")

// TestBadConfigsGolden loads every testdata/bad/*.yaml and compares the
// whole error text (file:line:col: path: reason, one line per problem, in
// file order) with the .err file next to it (go test -run Golden -update
// rewrites them; review the diff).
func TestBadConfigsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad configs: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			_, err := Load(file)
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("Load(%s) = %v, want Errors", file, err)
			}
			for _, e := range es {
				if e.File != file || e.Line < 1 || e.Column < 1 || e.Reason == "" {
					t.Errorf("error without file, line, column and reason: %+v", e)
				}
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
