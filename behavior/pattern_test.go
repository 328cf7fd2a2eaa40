package behavior

import (
	"errors"
	"strings"
	"testing"
)

// TestPatternCloudFrontExamples is the Developer Guide's path-pattern table
// ("Path pattern", distribution-web-values-specify) and its prose: `*` is 0+
// characters across `/`, `?` exactly one, case-sensitive, a leading `/` is
// optional, the query string is never part of the path.
func TestPatternCloudFrontExamples(t *testing.T) {
	tests := []struct {
		rule, pattern, path string
		want                bool
	}{
		{"star_jpg_all_jpg_files", "*.jpg", "/logo.jpg", true},
		{"star_jpg_in_subdirectories", "*.jpg", "/a/b/c/logo.jpg", true},
		{"star_jpg_not_gif", "*.jpg", "/logo.gif", false},
		{"images_jpg_in_images", "images/*.jpg", "/images/sample.jpg", true},
		{"images_jpg_in_subdirectory_product1", "images/*.jpg", "/images/product1/sample.jpg", true},
		{"images_jpg_in_subdirectory_product2", "images/*.jpg", "/images/product2/x.jpg", true},
		{"images_jpg_not_outside_images", "images/*.jpg", "/other/sample.jpg", false},
		{"leading_slash_same_pattern", "/images/*.jpg", "/images/sample.jpg", true},
		{"a_star_jpg_apple", "a*.jpg", "/apple.jpg", true},
		{"a_star_jpg_appalachian", "a*.jpg", "/appalachian_trail_2012_05_21.jpg", true},
		{"a_star_jpg_star_crosses_slash", "a*.jpg", "/abra/cadabra/magic.jpg", true},
		{"a_qq_jpg_ant", "a??.jpg", "/ant.jpg", true},
		{"a_qq_jpg_abe", "a??.jpg", "/abe.jpg", true},
		{"a_qq_jpg_exactly_two_not_three", "a??.jpg", "/apple.jpg", false},
		{"a_qq_jpg_exactly_two_not_one", "a??.jpg", "/an.jpg", false},
		{"doc_star_doc", "*.doc*", "/report.doc", true},
		{"doc_star_docx", "*.doc*", "/report.docx", true},
		{"doc_star_docm", "*.doc*", "/report.docm", true},
		{"doc_question_not_doc", "*.doc?", "/report.doc", false},
		{"doc_question_docx", "*.doc?", "/report.docx", true},
		{"case_sensitive_LOGO_JPG", "*.jpg", "/LOGO.JPG", false},
		{"default_star_matches_root", "*", "/", true},
		{"default_star_matches_all", "*", "/live/ch1/seg_000001.ts", true},
		{"mediapackage_mpd", "*.mpd", "/out/v1/abc/index.mpd", true},
		{"m3u8_not_ts", "*.m3u8", "/live/seg.ts", false},
		{"dir_star_needs_slash", "api/*", "/api", false},
		{"dir_star_dir_slash", "api/*", "/api/", true},
		{"exact_file", "index.html", "/index.html", true},
		{"exact_file_no_suffix", "index.html", "/index.html.bak", false},
		{"question_is_one_utf8_character", "/?.ts", "/é.ts", true},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			p, err := Compile(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Match(tc.path); got != tc.want {
				t.Fatalf("%q.Match(%q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
			}
		})
	}
}

// TestTableFirstMatchWinsDefaultLast: behaviors are tried in order, the
// first match wins, and a path matching none gets the default behavior.
func TestTableFirstMatchWinsDefaultLast(t *testing.T) {
	tb, err := NewTable("images/product1/*", "images/*.jpg", "*.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"/images/product1/a.jpg": 0, // the more specific behavior is listed first
		"/images/product2/a.jpg": 1,
		"/live/index.m3u8":       2,
		"/live/seg.ts":           Default,
	} {
		if got := tb.Select(path); got != want {
			t.Errorf("Select(%q) = %d, want %d", path, got, want)
		}
	}
}

// TestCompileRefusesWhatCloudFrontRefuses: empty, longer than 255
// characters, or characters outside CloudFront's set.
func TestCompileRefusesWhatCloudFrontRefuses(t *testing.T) {
	for name, p := range map[string]string{
		"empty":      "",
		"too_long":   "/" + strings.Repeat("a", 255),
		"space":      "/a b",
		"bracket":    "/[ab].ts",
		"percent":    "/a%20b",
		"query_mark": "/a.m3u8#x",
		"non_ascii":  "/é",
	} {
		if _, err := Compile(p); !errors.Is(err, ErrPattern) {
			t.Errorf("%s: Compile(%q) = %v, want ErrPattern", name, p, err)
		}
	}
	if _, err := Compile("/" + strings.Repeat("a", 254)); err != nil {
		t.Errorf("255 characters: %v", err)
	}
}

// FuzzPatternMatch checks the matcher against a reference (regexp-free
// recursive) definition on arbitrary patterns and paths, and that it never
// panics.
func FuzzPatternMatch(f *testing.F) {
	f.Add("images/*.jpg", "/images/a/b.jpg")
	f.Add("a??.jpg", "/ant.jpg")
	f.Add("*.doc*", "/x.docx")
	f.Add("**?*", "/é")
	f.Fuzz(func(t *testing.T, pat, path string) {
		if len(pat) > 32 || len(path) > 64 {
			return // the reference is exponential
		}
		p, err := Compile(pat)
		if err != nil {
			return
		}
		if got, want := p.Match(path), refMatch([]rune(p.glob), []rune(path)); got != want {
			t.Fatalf("%q.Match(%q) = %v, reference says %v", pat, path, got, want)
		}
	})
}

// refMatch is the definition, recursively, on runes.
func refMatch(p, s []rune) bool {
	switch {
	case len(p) == 0:
		return len(s) == 0
	case p[0] == '*':
		return refMatch(p[1:], s) || (len(s) > 0 && refMatch(p, s[1:]))
	case len(s) == 0:
		return false
	case p[0] == '?' || p[0] == s[0]:
		return refMatch(p[1:], s[1:])
	}
	return false
}
