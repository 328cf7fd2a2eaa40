package cmcd

import (
	"net/http"
	"testing"
)

// TestSentFindsEveryCarrierWithoutAllocating: Sent is true for the CMCD
// query argument anywhere in the query and for each CMCD-* header, false
// for look-alikes, and never allocates (it runs on every request).
func TestSentFindsEveryCarrierWithoutAllocating(t *testing.T) {
	none := http.Header{"Accept": {"*/*"}}
	for _, tc := range []struct {
		query string
		hdr   http.Header
		want  bool
	}{
		{"CMCD=ot%3Dv", none, true},
		{"a=1&CMCD=ot%3Dv", none, true},
		{"a=1&b=2", none, false},
		{"XCMCD=1&a=CMCD=2", none, false},
		{"", http.Header{"Cmcd-Request": {"bl=100"}}, true},
		{"", http.Header{"Cmcd-Session": {`sid="x"`}}, true},
		{"", http.Header{"Cmcd-Object": {"ot=v"}}, true},
		{"", http.Header{"Cmcd-Status": {"bs"}}, true},
		{"", none, false},
	} {
		if got := Sent(tc.hdr, tc.query); got != tc.want {
			t.Errorf("Sent(%v, %q) = %v, want %v", tc.hdr, tc.query, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Sent(none, "a=1&b=2&c=3") }); n != 0 {
		t.Errorf("Sent allocates %v times per request without CMCD", n)
	}
}

// TestStripQueryKeepsTheRest: only CMCD arguments go; the others keep
// their order and spelling.
func TestStripQueryKeepsTheRest(t *testing.T) {
	for in, want := range map[string]string{
		"a=1&CMCD=br%3D3200%2Cot%3Dv&b=2": "a=1&b=2",
		"CMCD=ot%3Dv":                     "",
		"CMCD=ot%3Dv&z=1&a=%41":           "z=1&a=%41",
		"b=2&a=1":                         "b=2&a=1",
		"XCMCD=1&a=2":                     "XCMCD=1&a=2",
	} {
		if got := StripQuery(in); got != want {
			t.Errorf("StripQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
