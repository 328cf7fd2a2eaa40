package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAppendBenchmarks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	res := &results{Started: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Peers: map[string]*peerResult{},
		Machine: machine{NProc: 2, CPU: "cpu", Kernel: "Linux x"}}
	res.Finished = res.Started.Add(time.Minute)
	res.Table = table{Columns: []string{"ceiling"}, Rows: []tableRow{{Measure: "m", Cells: []string{"1"}, Ratio: "—"}}}

	// Missing file: created with the section.
	if err := appendBenchmarks(path, res); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "# Benchmarks\n\n## Side-by-side\n") || !strings.Contains(string(b), "| m | 1 | — |") {
		t.Fatalf("new file:\n%s", b)
	}

	// Existing content is kept; a later run goes to the end of the section,
	// before the next section.
	doc := "# Benchmarks\n\nGo figures.\n\n## Side-by-side\n\nold run\n\n## Later\n\nkept\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := appendBenchmarks(path, res); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	s := string(b)
	old, run, later := strings.Index(s, "old run"), strings.Index(s, "### 2026-01-02"), strings.Index(s, "## Later")
	if !strings.HasPrefix(s, "# Benchmarks\n\nGo figures.\n") || old < 0 || run < old || later < run ||
		!strings.HasSuffix(s, "## Later\n\nkept\n") || strings.Count(s, "## Side-by-side") != 1 {
		t.Fatalf("existing file:\n%s", s)
	}
}
