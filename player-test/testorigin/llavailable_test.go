package testorigin

import (
	"fmt"
	"testing"
	"time"
)

// TestLLResponsesSayWhenTheirPartBecameAvailable: parts, segments and
// blocking reloads carry X-Part-Available-At, the origin's publication time
// of the part (or segment) they deliver or waited for; and the origin counts
// blocking reloads per (playlist, msn, part, skip) whatever the query order.
func TestLLResponsesSayWhenTheirPartBecameAvailable(t *testing.T) {
	clk := newFakeClock()
	o, srv := start(t, Options{Now: clk.Now})
	clk.Advance(30*time.Second + 1100*time.Millisecond)
	rend := o.ll.rendition("240p")
	n, have := o.ll.edge(rend, clk.Now())
	if have < 1 {
		t.Fatalf("edge %d/%d: want a published part", n, have)
	}
	want := func(msn int64, k int) string {
		return o.ll.published(rend, msn, k).UTC().Format(time.RFC3339Nano)
	}
	last := len(rend.partsOf(n-1)) - 1
	for _, c := range []struct{ path, want string }{
		{fmt.Sprintf("240p/seg_%d.part_0.m4s", n), want(n, 0)},
		{fmt.Sprintf("240p/seg_%d.m4s", n-1), want(n-1, last)},
		{fmt.Sprintf("240p/index.m3u8?_HLS_part=0&_HLS_msn=%d", n), want(n, 0)},
		{fmt.Sprintf("240p/index.m3u8?_HLS_msn=%d&_HLS_part=0", n), want(n, 0)},
		{fmt.Sprintf("240p/index.m3u8?_HLS_msn=%d", n-1), want(n-1, last)},
		{fmt.Sprintf("240p/index.m3u8?_HLS_msn=%d&_HLS_part=%d", n-1, last+1), want(n, 0)},
	} {
		resp, _ := llGet(t, srv.URL, c.path)
		if got := resp.Header.Get(HeaderAvailableAt); resp.StatusCode != 200 || got != c.want {
			t.Errorf("%s: %d, %s %q, want %q", c.path, resp.StatusCode, HeaderAvailableAt, got, c.want)
		}
	}
	if resp, _ := llGet(t, srv.URL, "240p/index.m3u8"); resp.Header.Get(HeaderAvailableAt) != "" {
		t.Errorf("a plain playlist reload says %s", HeaderAvailableAt)
	}
	st := o.Stats()
	key := fmt.Sprintf("%s240p/index.m3u8?_HLS_msn=%d&_HLS_part=0", llBase, n)
	if st.Blocking[key] != 2 || len(st.Blocking) != 3 {
		t.Errorf("blocking counts %v: want %s twice and 3 keys", st.Blocking, key)
	}
}
