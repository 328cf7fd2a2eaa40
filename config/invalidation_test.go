package config

import (
	"strings"
	"testing"

	"github.com/streamedge/streamedge/invalidation"
)

// TestInvalidationSectionLoads: the section's keys reach the API as a map,
// its bounds the Set, and a left-out bound takes package invalidation's
// default; a file without the section has the API off and default bounds.
func TestInvalidationSectionLoads(t *testing.T) {
	f, err := Load("testdata/good/invalidation.yaml")
	if err != nil {
		t.Fatal(err)
	}
	i := f.Invalidation
	if i.DistributionID != "EDGE1" || i.Keys()["AKIAEDGE0001"] != "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" || len(i.Keys()) != 1 {
		t.Errorf("keys: %+v", i)
	}
	want := invalidation.Limits{MaxRecords: 50000, MaxBytes: invalidation.DefaultMaxBytes,
		MaxHistory: invalidation.DefaultMaxHistory, MaxHistoryBytes: invalidation.DefaultMaxHistoryBytes}
	if got := i.Limits(); got != want {
		t.Errorf("limits %+v, want %+v", got, want)
	}
	min, err := Load("testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if min.Invalidation != nil || min.Invalidation.Keys() != nil || min.Invalidation.Limits() != (invalidation.Limits{}) {
		t.Errorf("no section: %+v", min.Invalidation)
	}
}

// TestInvalidationErrorsNeverShowSecrets: a refused secret is named by its
// place in the file, never printed.
func TestInvalidationErrorsNeverShowSecrets(t *testing.T) {
	_, err := Load("testdata/bad/invalidation.yaml")
	if err == nil {
		t.Fatal("bad file loaded")
	}
	for _, secret := range []string{"short", "a-secret-of-enough-length", "another-secret-long-enough"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the secret %q:\n%v", secret, err)
		}
	}
}
