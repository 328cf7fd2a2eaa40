package testorigin

import (
	"encoding/json"
	"testing"
)

func TestStatsAndReset(t *testing.T) {
	o, srv := start(t, Options{})
	seg := "/vod/hls_fmp4/480p/seg_000.m4s"
	_, body := fetch(t, srv.URL+seg)
	fetch(t, srv.URL+seg)
	fetch(t, srv.URL+"/vod/dash/manifest.mpd")
	fetch(t, srv.URL+"/_stats") // not counted

	st := o.Stats()
	if st.Requests != 3 || st.Count(seg) != 2 || st.Count("/vod/dash/manifest.mpd") != 1 {
		t.Fatalf("stats %+v", st)
	}
	if st.Paths[seg].Bytes != 2*int64(len(body)) || st.Bytes < st.Paths[seg].Bytes {
		t.Errorf("bytes %+v", st)
	}

	_, js := fetch(t, srv.URL+"/_stats")
	var viaHTTP Stats
	if err := json.Unmarshal(js, &viaHTTP); err != nil || viaHTTP.Requests != 3 || viaHTTP.Count(seg) != 2 {
		t.Errorf("/_stats = %s (%v)", js, err)
	}

	fetch(t, srv.URL+"/_reset")
	if st := o.Stats(); st.Requests != 0 || st.Bytes != 0 || len(st.Paths) != 0 {
		t.Errorf("after /_reset: %+v", st)
	}
	fetch(t, srv.URL+seg)
	o.Reset()
	if st := o.Stats(); st.Requests != 0 {
		t.Errorf("after Reset: %+v", st)
	}
}
