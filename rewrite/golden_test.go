package rewrite

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const originHost = "origin.example.com"

// signQuery is shaped like a CloudFront custom-policy query.
const signQuery = "Policy=eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly8qIn1dfQ__&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F"

func goldenMappers(t testing.TB) map[string]Mapper {
	sign, err := AppendQuery(signQuery, originHost)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Mapper{"edge": EdgeRelative(originHost), "signed": sign}
}

func formatOf(name string) manifest.Format {
	if strings.HasSuffix(name, ".mpd") {
		return manifest.DASH
	}
	return manifest.HLS
}

func inputs(t testing.TB) []string {
	var names []string
	for _, pat := range []string{"*.m3u8", "*.mpd"} {
		m, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, m...)
	}
	if len(names) == 0 {
		t.Fatal("no testdata")
	}
	return names
}

// TestGolden rewrites every testdata manifest with the edge-relative and the
// signing mapper and compares with testdata/<name>.<mapper>.golden; the
// output must also parse exactly as the input did.
func TestGolden(t *testing.T) {
	for _, in := range inputs(t) {
		body, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for mname, m := range goldenMappers(t) {
			t.Run(filepath.Base(in)+"/"+mname, func(t *testing.T) {
				got, err := Manifest(formatOf(in), body, m)
				if err != nil {
					t.Fatal(err)
				}
				golden := in + "." + mname + ".golden"
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("output differs from %s:\n%s", golden, got)
				}
				if _, err := manifest.Parse(formatOf(in), body); err != nil {
					t.Fatalf("testdata input does not parse: %v", err)
				}
				checkParsesAlike(t, formatOf(in), body, got)
			})
		}
	}
}

// TestNoOpIsIdentity: a mapper that changes nothing returns the very input.
func TestNoOpIsIdentity(t *testing.T) {
	for _, in := range inputs(t) {
		body, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		got, err := Manifest(formatOf(in), body, func(u string) (string, bool) { seen = append(seen, u); return u, false })
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: no-op rewrite changed the body (err %v)", in, err)
		}
		if len(seen) == 0 {
			t.Errorf("%s: mapper never called", in)
		}
	}
}

func checkParsesAlike(t *testing.T, f manifest.Format, in, out []byte) {
	t.Helper()
	infoIn, errIn := manifest.Parse(f, in)
	infoOut, errOut := manifest.Parse(f, out)
	if (errIn == nil) != (errOut == nil) || infoIn != infoOut {
		t.Fatalf("input parses as %+v, %v; output as %+v, %v", infoIn, errIn, infoOut, errOut)
	}
}
