package limits

import (
	"net/http"
	"strings"
	"testing"
)

// TestRawFramingReadsLikeNetHTTP: the fasthttp front end's framing check
// reads the raw head as net/http does: fields unfolded, every
// Transfer-Encoding and Content-Length counted, whatever fasthttp kept.
func TestRawFramingReadsLikeNetHTTP(t *testing.T) {
	tests := []struct {
		name, head string
		method     string
		bad        bool
	}{
		{"plain_get", "Host: a\r\nAccept: */*\r\n", "GET", false},
		{"get_cl_zero", "Host: a\r\nContent-Length: 0\r\n", "GET", false},
		{"get_with_body", "Host: a\r\nContent-Length: 43\r\n", "GET", true},
		{"get_te", "Host: a\r\nTransfer-Encoding: chunked\r\n", "GET", true},
		{"head_te_any_case", "host: a\r\ntransfer-encoding: chunked\r\n", "HEAD", true},
		{"folded_te", "Host: a\r\nTransfer-Encoding:\r\n chunked\r\n", "GET", true},
		{"te_hidden_in_fold", "Host: a\r\nX-Pad: a\r\n Transfer-Encoding: chunked\r\n", "GET", false},
		{"cl_te_post_served", "Host: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n", "POST", false},
		{"bare_lf", "Host: a\nContent-Length: 3\n", "GET", true},
		{"empty_cl_value", "Host: a\r\nContent-Length:\r\n", "GET", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := rawFraming([]byte(tc.head + "\r\n")).bad(tc.method); got != tc.bad {
				t.Fatalf("bad = %v, want %v (%+v)", got, tc.bad, rawFraming([]byte(tc.head)))
			}
		})
	}
}

func FuzzRawFraming(f *testing.F) {
	f.Add("Host: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n")
	f.Add("Content-Length: 0\r\n 44\r\n")
	f.Add("\n\n:\t")
	f.Fuzz(func(t *testing.T, head string) {
		fr := rawFraming([]byte(head))
		if fr.te < 0 || fr.cl < 0 {
			t.Fatalf("negative counts %+v", fr)
		}
		lower := strings.ToLower(head)
		if fr.bad(http.MethodGet) && !strings.Contains(lower, "transfer-encoding") && !strings.Contains(lower, "content-length") {
			t.Fatalf("%q: a body without a framing field", head)
		}
		if fr.bad(http.MethodPost) {
			t.Fatalf("%q: a POST is never refused for its framing", head)
		}
	})
}
