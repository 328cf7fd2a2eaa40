package limits_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/limits"
)

// smuggled is the request an attacker hides where a hop that frames the
// message differently would read a second request.
const smuggled = "GET /smuggled HTTP/1.1\r\nHost: edge.test\r\n\r\n"

// TestSmuggling sends ambiguous framing over raw TCP. Each must be refused
// (by net/http or by Handler) or served as exactly one request, the
// connection must be closed after it, and the origin must never see the
// smuggled request.
func TestSmuggling(t *testing.T) {
	tests := []struct {
		name       string
		req        string
		want       []int  // statuses of the responses on the connection, in order
		origin     string // the one request-target the origin may see, "" for none
		limit      string // counted by Handler, "" if net/http refused it
		originBody string // body the origin receives for origin
	}{
		{
			// net/http lets Transfer-Encoding win and drops Content-Length;
			// Handler refuses a body on GET and closes.
			name: "cl_te_get",
			req: "GET /s/clte.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			name: "te_cl_get",
			req: "GET /s/tecl.ts HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			// Other methods go to the origin uncached; net/http frames by
			// Transfer-Encoding, the proxy re-frames, and Handler closes the
			// connection afterwards so the bytes after the chunked body are
			// never read as a request.
			name: "cl_te_post",
			req: "POST /s/post HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"3\r\nabc\r\n0\r\n\r\n" + smuggled,
			want: []int{200}, origin: "/s/post", originBody: "abc",
		},
		{
			name: "duplicate_cl_differing",
			req: "GET /s/dupcl.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\n" +
				smuggled,
			want: []int{400},
		},
		{
			// net/http merges equal duplicates; Handler then refuses the body.
			name: "duplicate_cl_equal_with_body",
			req: "GET /s/dupcl2.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 43\r\nContent-Length: 43\r\n\r\n" +
				smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			name: "get_with_body",
			req:  "GET /s/body.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 43\r\n\r\n" + smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			// A body that never completes cannot hold the connection: the
			// refusal closes it at once instead of waiting to discard the body.
			name: "get_with_unfinished_body",
			req:  "GET /s/slowbody.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 1000\r\n\r\nabc",
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			name: "head_with_body",
			req:  "HEAD /s/headbody.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 43\r\n\r\n" + smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			// obs-fold: net/http unfolds (RFC 9112 §5.2 allows replacing it
			// with a space), so this is Transfer-Encoding: chunked on a GET.
			name: "obs_fold_te",
			req: "GET /s/fold.ts HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding:\r\n chunked\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
		{
			name: "obs_fold_cl",
			req:  "GET /s/foldcl.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 0\r\n 44\r\n\r\n" + smuggled,
			want: []int{400},
		},
		{
			// A folded Transfer-Encoding is part of X-Pad to the edge, so the
			// GET has no body; the chunk terminator that follows is not a
			// request line and net/http refuses it and hangs up.
			name: "obs_fold_hidden_te",
			req: "GET /s/foldx.ts HTTP/1.1\r\nHost: edge.test\r\nX-Pad: a\r\n Transfer-Encoding: chunked\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{200, 400}, origin: "/s/foldx.ts",
		},
		{
			name: "te_chunked_identity",
			req: "GET /s/teci.ts HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{501},
		},
		{
			name: "te_two_fields",
			req: "GET /s/te2.ts HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{501},
		},
		{
			name: "te_space_before_colon",
			req: "GET /s/tesp.ts HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding : chunked\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{400},
		},
		{
			name: "te_xchunked",
			req: "GET /s/tex.ts HTTP/1.1\r\nHost: edge.test\r\nTransfer-Encoding: xchunked\r\n\r\n" +
				"0\r\n\r\n" + smuggled,
			want: []int{501},
		},
		{
			name: "cl_negative",
			req:  "GET /s/neg.ts HTTP/1.1\r\nHost: edge.test\r\nContent-Length: -1\r\n\r\n" + smuggled,
			want: []int{400},
		},
		{
			name: "bare_lf_header",
			req:  "GET /s/lf.ts HTTP/1.1\r\nHost: edge.test\nContent-Length: 43\r\n\r\n" + smuggled,
			want: []int{400}, limit: limits.LimitFraming,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t, limits.Config{}, newOrigin(t, nil), stackOpts{})
			rs := s.raw(t, "", tc.req)
			var got []int
			for _, r := range rs {
				got = append(got, r.status)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("statuses %v, want %v (then the connection closed)", got, tc.want)
			}
			reqs := s.origin.requests()
			for _, r := range reqs {
				if strings.Contains(r.uri, "smuggled") {
					t.Fatalf("the origin received the smuggled request %s %s", r.method, r.uri)
				}
			}
			switch {
			case tc.origin == "" && len(reqs) > 0:
				t.Fatalf("the origin received %s %s, want nothing", reqs[0].method, reqs[0].uri)
			case tc.origin != "" && (len(reqs) != 1 || reqs[0].uri != tc.origin):
				t.Fatalf("the origin received %+v, want exactly %s", reqs, tc.origin)
			case tc.origin != "" && reqs[0].body != tc.originBody:
				t.Fatalf("the origin received body %q, want %q", reqs[0].body, tc.originBody)
			}
			if tc.limit != "" {
				if n := s.rejections(t, tc.limit); n != 1 {
					t.Errorf("rejections{%s} = %v, want 1", tc.limit, n)
				}
			}
		})
	}
}
