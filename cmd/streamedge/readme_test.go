package main

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeFlags reads the README's flag table (section "Flags (`streamedge
// serve -h`)"): flag name → default cell.
func readmeFlags(t *testing.T) (map[string]string, string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	_, section, ok := strings.Cut(readme, "### Flags (`streamedge serve -h`)")
	if !ok {
		t.Fatal("README has no section \"Flags (`streamedge serve -h`)\"")
	}
	row := regexp.MustCompile("^\\| `-([a-z0-9-]+)` \\|([^|]*)\\|")
	rows := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "#") {
			break // the next section
		}
		if m := row.FindStringSubmatch(line); m != nil {
			if _, dup := rows[m[1]]; dup {
				t.Errorf("README flag table lists -%s twice", m[1])
			}
			rows[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return rows, readme
}

// readmeDefault is the value a default cell states: its first `code` span
// when it starts with one ("`0` (unlimited)" is 0), else "" (blank or
// "(required)").
func readmeDefault(cell string) string {
	if m := regexp.MustCompile("^`([^`]*)`").FindStringSubmatch(cell); m != nil {
		return m[1]
	}
	return ""
}

// sameDefault compares a README default with the flag's, as values: 2m is
// 2m0s, 1GiB is 1073741824 bytes.
func sameDefault(f *flag.Flag, readme string) bool {
	switch v := f.Value.(type) {
	case *byteSize:
		n, err := parseByteSize(readme)
		return err == nil && n == int64(*v)
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if d, ok := g.Get().(time.Duration); ok {
			r, err := time.ParseDuration(readme)
			if readme == "0" {
				r, err = 0, nil
			}
			return err == nil && r == d
		}
	}
	return readme == f.DefValue
}

// TestREADMEFlagTable: every `streamedge serve` flag is in the README's
// table with the default the flag set really has, and the table names no
// flag that does not exist; demo's own flags are named in the README too.
func TestREADMEFlagTable(t *testing.T) {
	rows, readme := readmeFlags(t)
	c := defaults()
	fs := flagSet("serve", &c)
	fs.VisitAll(func(f *flag.Flag) {
		cell, ok := rows[f.Name]
		if !ok {
			t.Errorf("README flag table lacks -%s (default %q)", f.Name, f.DefValue)
			return
		}
		if !sameDefault(f, readmeDefault(cell)) {
			t.Errorf("README says -%s defaults to %q, the flag set says %q", f.Name, cell, f.DefValue)
		}
	})
	for name := range rows {
		if fs.Lookup(name) == nil {
			t.Errorf("README flag table lists -%s, which streamedge serve does not have", name)
		}
	}
	demo := defaults()
	flagSet("demo", &demo).VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) == nil && !strings.Contains(readme, "`-"+f.Name+"`") {
			t.Errorf("README does not mention streamedge demo's -%s", f.Name)
		}
	})
}
