package sim

import (
	"strings"
	"testing"
)

func TestExpandTemplate(t *testing.T) {
	v := TemplateVars{RepresentationID: "v720", Number: 42, Time: 180000, Bandwidth: 800000}
	tests := []struct {
		tmpl, want string
		wantErr    bool
	}{
		{tmpl: "seg.m4s", want: "seg.m4s"},
		{tmpl: "$RepresentationID$/$Number$.m4s", want: "v720/42.m4s"},
		{tmpl: "$Number%05d$.m4s", want: "00042.m4s"},
		{tmpl: "$Number%01d$", want: "42"},
		{tmpl: "t/$Time$.m4s", want: "t/180000.m4s"},
		{tmpl: "$Time%012d$", want: "000000180000"},
		{tmpl: "b$Bandwidth$/$Bandwidth%09d$", want: "b800000/000800000"},
		{tmpl: "cost$$5/$$$Number$$$", want: "cost$5/$42$"},
		{tmpl: "$RepresentationID$_init.mp4", want: "v720_init.mp4"},
		{tmpl: "$SubNumber$", want: "0"},
		{tmpl: "$RepresentationID%05d$", wantErr: true},
		{tmpl: "$Number", wantErr: true},
		{tmpl: "$number$", wantErr: true},
		{tmpl: "$Number%5d$", wantErr: true},
		{tmpl: "$Number%05x$", wantErr: true},
		{tmpl: "$Number%0d$", wantErr: true},
		{tmpl: "$Number%0999d$", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ExpandTemplate(tc.tmpl, v)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ExpandTemplate(%q) = %q, %v; want %q, err=%v", tc.tmpl, got, err, tc.want, tc.wantErr)
		}
	}
}

func FuzzExpandTemplate(f *testing.F) {
	for _, s := range []string{"$RepresentationID$/$Number%05d$.m4s", "$$", "$Time$", "a$b", "$Bandwidth%03d$$$"} {
		f.Add(s, "rep", uint64(7))
	}
	f.Fuzz(func(t *testing.T, tmpl, id string, n uint64) {
		out, err := ExpandTemplate(tmpl, TemplateVars{RepresentationID: id, Number: n, Time: n, Bandwidth: n})
		if err != nil {
			return
		}
		if !strings.Contains(tmpl, "$") && out != tmpl {
			t.Fatalf("no identifiers but output changed: %q → %q", tmpl, out)
		}
		if len(out) > len(tmpl)*(maxFormatWidth+len(id)+20)+1 {
			t.Fatalf("output too long: %d for %q", len(out), tmpl)
		}
		if strings.Count(tmpl, "$")%2 != 0 {
			t.Fatalf("odd number of $ accepted: %q", tmpl)
		}
	})
}
