package cmcd

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func request(t *testing.T, query string, headers map[string]string) Data {
	t.Helper()
	r := httptest.NewRequest("GET", "http://edge.test/v/seg_42.m4s"+query, nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	d, err := FromRequest(r)
	if err != nil {
		t.Fatalf("FromRequest: %v", err)
	}
	return d
}

// TestSpecQueryExample is the query example in ../shared/notes/hls-dash.md
// §4 (CTA-5004's, sid written out in full).
func TestSpecQueryExample(t *testing.T) {
	d := request(t, "?CMCD=br%3D3200%2Cbl%3D21300%2Cd%3D4004%2Cmtp%3D25400%2Cot%3Dv%2Csf%3Dh%2Csid%3D%226e2fb550-c457-11e9-bb97-0800200c9a66%22%2Cst%3Dv%2Ctb%3D6000", nil)
	want := Data{Bitrate: 3200, BufferLength: 21300, Duration: 4004, MeasuredThroughput: 25400, ObjectType: "v",
		StreamingFormat: "h", SessionID: "6e2fb550-c457-11e9-bb97-0800200c9a66", StreamType: "v", TopBitrate: 6000}
	want.present = d.present
	if !equal(d, want) {
		t.Fatalf("got %+v\nwant %+v", d, want)
	}
	for _, k := range []Key{BR, BL, D, MTP, OT, SF, SID, ST, TB} {
		if !d.Has(k) {
			t.Errorf("%v missing", k)
		}
	}
	if d.Has(BS) || d.Has(SU) || d.Has(CID) {
		t.Error("absent keys reported present")
	}
}

func equal(a, b Data) bool {
	return a.Bitrate == b.Bitrate && a.BufferLength == b.BufferLength && a.BufferStarvation == b.BufferStarvation &&
		a.ContentID == b.ContentID && a.Duration == b.Duration && a.Deadline == b.Deadline &&
		a.MeasuredThroughput == b.MeasuredThroughput && a.NextObject == b.NextObject && a.NextRange == b.NextRange &&
		a.ObjectType == b.ObjectType && a.PlaybackRate == b.PlaybackRate && a.RequestedThroughput == b.RequestedThroughput &&
		a.StreamingFormat == b.StreamingFormat && a.SessionID == b.SessionID && a.StreamType == b.StreamType &&
		a.Startup == b.Startup && a.TopBitrate == b.TopBitrate && a.Version == b.Version && a.present == b.present
}

// TestDashJSQuery: dash.js's query form for an init segment at startup.
func TestDashJSQuery(t *testing.T) {
	d := request(t, "?CMCD=br%3D3200%2Ccid%3D%2221cf726cfe3d937b5f974f72bb5bd06a%22%2Cot%3Di%2Csf%3Dd%2Csid%3D%22b248658d-1d1a-4039-91d0-8c08ba597da5%22%2Cst%3Dv%2Csu", nil)
	if d.Bitrate != 3200 || d.ContentID != "21cf726cfe3d937b5f974f72bb5bd06a" || d.ObjectType != "i" || d.StreamingFormat != "d" ||
		d.SessionID != "b248658d-1d1a-4039-91d0-8c08ba597da5" || d.StreamType != "v" || !d.Startup || !d.Has(SU) {
		t.Fatalf("got %+v", d)
	}
}

// TestHeadersAndQueryAgree: common-media-library's toQuery and toHeaders of
// the same data parse to the same Data.
func TestHeadersAndQueryAgree(t *testing.T) {
	q := request(t, "?CMCD=br%3D200%2Cbs%2Ccid%3D%229f7f349b-baba-43d7-bbe7-b0dc8a65af0d%22%2Cmtp%3D10000%2Cot%3Dm%2Csf%3Dd%2Cst%3Dv", nil)
	h := request(t, "", map[string]string{
		"CMCD-Object":  "br=200,ot=m",
		"CMCD-Request": "mtp=10000",
		"CMCD-Session": `cid="9f7f349b-baba-43d7-bbe7-b0dc8a65af0d",sf=d,st=v`,
		"CMCD-Status":  "bs",
	})
	if !equal(q, h) || !q.BufferStarvation || q.ObjectType != "m" {
		t.Fatalf("query %+v\nheaders %+v", q, h)
	}
}

// TestHlsJSHeaders: the header shards hls.js's CMCDController.toHeaders
// produces in its own tests (custom keys, nor URL-encoded, bs alone).
func TestHlsJSHeaders(t *testing.T) {
	d := request(t, "", map[string]string{
		"CMCD-Object":  "br=52317,d=6067",
		"CMCD-Request": `com.test-exists,com.test-hello="world",com.test-testing=1234,mtp=10000,nor="..%2Ftesting%2F3.m4v",nrr="0-99"`,
		"CMCD-Session": `cid="xyz",sid="c936730c-031e-4a73-976f-92bc34039c60"`,
		"CMCD-Status":  "bs",
	})
	if d.Bitrate != 52317 || d.Duration != 6067 || d.MeasuredThroughput != 10000 || d.NextObject != "..%2Ftesting%2F3.m4v" ||
		d.NextRange != "0-99" || d.ContentID != "xyz" || d.SessionID != "c936730c-031e-4a73-976f-92bc34039c60" ||
		!d.BufferStarvation || len(d.Unknown) != 3 {
		t.Fatalf("got %+v", d)
	}
}

// TestShakaHeaders: shaka's CmcdManager headers for a manifest and then a
// segment request (its tests' values).
func TestShakaHeaders(t *testing.T) {
	m := request(t, "", map[string]string{"CMCD-Object": "ot=m", "CMCD-Request": "mtp=10000,su",
		"CMCD-Session": `cid="testing",sf=d,sid="2ed2d1cd-970b-48f2-bfb3-50a79e87cfa3"`})
	if m.ObjectType != "m" || !m.Startup || m.StreamingFormat != "d" || m.ContentID != "testing" {
		t.Fatalf("manifest request %+v", m)
	}
	s := request(t, "", map[string]string{"CMCD-Object": "br=5234,d=3330,ot=v,tb=4000", "CMCD-Request": "bl=21200,dl=21200,mtp=10000",
		"CMCD-Session": `cid="testing",sf=d,sid="2ed2d1cd-970b-48f2-bfb3-50a79e87cfa3"`})
	if s.Bitrate != 5234 || s.Duration != 3330 || s.TopBitrate != 4000 || s.BufferLength != 21200 || s.Deadline != 21200 || s.Has(SU) {
		t.Fatalf("segment request %+v", s)
	}
}

// TestEscapedQuoteInString: common-media-library's serialisation of a
// custom string with quotes, and a typed string with an escape.
func TestEscapedQuoteInString(t *testing.T) {
	d, err := Parse(`com.example-quote="\"Quote\"",sid="a\\b\"c"`)
	if err != nil || d.SessionID != `a\b"c` || d.Unknown[0].Value != `"\"Quote\""` {
		t.Fatalf("got %+v, %v", d, err)
	}
}

// TestV2RequestModeExample: CMCD v2's request-mode example (SVTA
// common-media-library EX_8_1_1): inner lists with parameters, new keys.
func TestV2RequestModeExample(t *testing.T) {
	d, err := Parse(`bl=(2000),br=(3000;v),cid="content-id-123",d=4000,dl=1000,mtp=(15000),nor=("next-seg.mp4"),ot=v,rtp=12000,sf=d,sid="session-id-123",st=v,sta=p,tb=(6000;v),v=2`)
	if err != nil || d.BufferLength != 2000 || d.Bitrate != 3000 || d.MeasuredThroughput != 15000 || d.NextObject != "next-seg.mp4" ||
		d.TopBitrate != 6000 || d.Version != 2 || d.RequestedThroughput != 12000 || len(d.Unknown) != 1 || d.Unknown[0] != (Pair{"sta", "p"}) {
		t.Fatalf("got %+v, %v", d, err)
	}
}

// TestCommonMediaLibraryQueryWithCustomKeys: nor, nrr and custom keys, as
// common-media-library serialises them (nor URL-encoded inside the string),
// plus rtp and v.
func TestCommonMediaLibraryQueryWithCustomKeys(t *testing.T) {
	d := request(t, "?CMCD=br%3D200%2Cd%3D325%2Cmtp%3D10000%2Cnor%3D%22..%252Ftesting%252F3.m4v%22%2Cnrr%3D%220-99%22%2Ccid%3D%22content-id%22%2Csid%3D%22session-id%22%2Cbs%2Ccom.example-hello%3D%22world%22%2Ccom.example-testing%3D1234%2Ccom.example-exists%2Ccom.example-token%3Ds%2Crtp%3D12000%2Cv%3D1", nil)
	if d.NextObject != "..%2Ftesting%2F3.m4v" || d.NextRange != "0-99" || d.RequestedThroughput != 12000 || d.Version != 1 || !d.BufferStarvation {
		t.Fatalf("got %+v", d)
	}
	want := []Pair{{"com.example-hello", `"world"`}, {"com.example-testing", "1234"}, {"com.example-exists", ""}, {"com.example-token", "s"}}
	if len(d.Unknown) != len(want) {
		t.Fatalf("unknown %+v", d.Unknown)
	}
	for i := range want {
		if d.Unknown[i] != want[i] {
			t.Errorf("unknown[%d] = %+v, want %+v", i, d.Unknown[i], want[i])
		}
	}
}

func TestV2InnerListsGiveFirstItem(t *testing.T) {
	d, err := Parse(`br=(3200 1600),bl=(21300;v 9000;a),nor=("a.m4s" "b.m4s"),sid="x",v=2`)
	if err != nil || d.Bitrate != 3200 || d.BufferLength != 21300 || d.NextObject != "a.m4s" || d.Version != 2 {
		t.Fatalf("got %+v, %v", d, err)
	}
}

// TestBadValuesAreDroppedNotFatal: a key of the wrong type is reported and
// dropped; the others are kept.
func TestBadValuesAreDroppedNotFatal(t *testing.T) {
	for _, tc := range []struct{ payload string }{
		{`br=fast,ot=v`},
		{`br=-1,ot=v`},
		{`sid=unquoted,ot=v`},
		{`sid="` + strings.Repeat("x", MaxIDBytes+1) + `",ot=v`},
		{`bs=maybe,ot=v`},
		{`pr=1e400,ot=v`},
		{`Upper=1,ot=v`},
		{`sid="unterminated,ot=v`},
	} {
		d, err := Parse(tc.payload)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: err = %v, want ErrInvalid", tc.payload, err)
		}
		if tc.payload != `sid="unterminated,ot=v` && d.ObjectType != "v" {
			t.Errorf("%q: ot lost: %+v", tc.payload, d)
		}
		if d.Has(BR) || d.Has(SID) || d.Has(BS) || d.Has(PR) {
			t.Errorf("%q: bad key kept: %+v", tc.payload, d)
		}
	}
}

func TestBounds(t *testing.T) {
	if _, err := Parse(strings.Repeat("a", MaxPayloadBytes+1)); !errors.Is(err, ErrInvalid) {
		t.Errorf("oversized payload: %v", err)
	}
	many := strings.Repeat("br=1,", MaxKeys) + "ot=v"
	if d, err := Parse(many); !errors.Is(err, ErrInvalid) || d.Has(OT) {
		t.Errorf("keys past MaxKeys: %+v, %v", d, err)
	}
	var custom []string
	for i := 0; i < 3*MaxUnknown; i++ {
		custom = append(custom, "com.x-k"+strings.Repeat("z", i)+"="+strings.Repeat("v", 100))
	}
	d, _ := Parse(strings.Join(custom, ","))
	if len(d.Unknown) != MaxUnknown || len(d.Unknown[0].Value) != maxUnknownValue {
		t.Errorf("unknown keys unbounded: %d, %d", len(d.Unknown), len(d.Unknown[0].Value))
	}
	r := httptest.NewRequest("GET", "/s.m4s?CMCD=%zz", nil)
	if _, err := FromRequest(r); !errors.Is(err, ErrInvalid) {
		t.Errorf("undecodable query argument: %v", err)
	}
}

func TestLogKeepsPresentZeros(t *testing.T) {
	d, _ := Parse(`bl=0,bs,ot=a,sid="s"`)
	l := d.Log()
	if l == nil || l.BL == nil || *l.BL != 0 || l.BR != nil || !l.BS || l.OT != "a" || l.SID != "s" {
		t.Fatalf("Log = %+v", l)
	}
	empty, _ := Parse(`com.example-x=1,mtp=100`)
	if empty.Log() != nil {
		t.Errorf("Log of data without logged keys = %+v, want nil", empty.Log())
	}
}
