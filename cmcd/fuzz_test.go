package cmcd

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// FuzzParse: Parse and FromRequest never panic, errors wrap ErrInvalid,
// the bounds hold, the log form marshals, Sent sees every request CMCD was
// read from, and StripQuery leaves the other arguments alone.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`br=3200,bl=21300,d=4004,mtp=25400,ot=v,sf=h,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",st=v,tb=6000`,
		`br=200,bs,cid="9f7f349b",mtp=10000,ot=m,sf=d,st=v`,
		`nor="..%2Ftesting%2F3.m4v",nrr="0-99",com.example-hello="world",com.example-exists`,
		`br=(3200 1600),nor=("a\"b" "c"),v=2`, `sid="a\\"`, `(((`, `"`, `,,,=,`,
	} {
		f.Add(s)
	}
	tr := NewTracker(8, nil)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		check(t, d, err)
		r := httptest.NewRequest("GET", "/seg.m4s", nil)
		r.URL.RawQuery = "a=1&CMCD=" + url.QueryEscape(s)
		r.Header.Set("CMCD-Request", s)
		d2, err := FromRequest(r)
		check(t, d2, err)
		if !d2.Empty() && !Sent(r.Header, r.URL.RawQuery) {
			t.Fatalf("Sent misses CMCD that FromRequest read: %q", s)
		}
		if q := StripQuery(r.URL.RawQuery); hasQueryArg(q) || q != "a=1" {
			t.Fatalf("StripQuery(%q) = %q", r.URL.RawQuery, q)
		}
		tr.Observe(&d2, time.Unix(0, 0))
		if _, n := tr.Snapshot(100); n > 8 {
			t.Fatalf("tracker holds %d", n)
		}
	})
}

func check(t *testing.T, d Data, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %v does not wrap ErrInvalid", err)
	}
	if len(d.Unknown) > MaxUnknown || len(d.SessionID) > MaxIDBytes || len(d.ContentID) > MaxIDBytes ||
		len(d.NextObject) > MaxStringBytes || len(d.NextRange) > MaxStringBytes {
		t.Fatalf("bounds exceeded: %+v", d)
	}
	for _, p := range d.Unknown {
		if len(p.Value) > maxUnknownValue || len(p.Key) > maxKeyBytes {
			t.Fatalf("unknown pair unbounded: %+v", p)
		}
	}
	if _, err := json.Marshal(d.Log()); err != nil {
		t.Fatal(err)
	}
}
