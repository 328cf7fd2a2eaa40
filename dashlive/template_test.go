package dashlive

import "testing"

// TestExpandFollowsTheFormatTagRule: identifiers and the %0<width>d tag as
// ISO/IEC 23009-1 5.3.9.4.4 writes them; anything else is refused.
func TestExpandFollowsTheFormatTagRule(t *testing.T) {
	v := Vars{RepresentationID: "v1", Number: 42, Time: 90000, Bandwidth: 800000, SubNumber: 3}
	for _, tc := range []struct {
		tmpl, want string
		ok         bool
	}{
		{"$RepresentationID$/$Number%05d$.m4s", "v1/00042.m4s", true},
		{"$Time$-$Bandwidth%09d$-$SubNumber$", "90000-000800000-3", true},
		{"$$$Number%01d$$$", "$42$", true},
		{"$Number%5d$", "", false},
		{"$Number%0d$", "", false},
		{"$Number%0-5d$", "", false},
		{"$Number%033d$", "", false}, // over MaxWidth
		{"$RepresentationID%05d$", "", false},
		{"$Number", "", false},
		{"$number$", "", false},
	} {
		got, err := Expand(tc.tmpl, v)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Expand(%q) = %q, %v; want %q, ok %v", tc.tmpl, got, err, tc.want, tc.ok)
		}
	}
}
