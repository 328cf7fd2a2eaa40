package segments

import (
	"bytes"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func sampleEntry() *Entry {
	t0 := time.Unix(1700000000, 123456789)
	return &Entry{
		Meta: Meta{
			Status:     206,
			StoredAt:   t0,
			InitialAge: 3 * time.Second,
			FreshUntil: t0.Add(time.Minute),
			SWRUntil:   t0.Add(2 * time.Minute),
			SIEUntil:   t0.Add(time.Hour),
			Flags:      FlagMustRevalidate | FlagManifest | FlagLive,
			Facts:      []byte("\x01opaque facts\x00"),
		},
		Header: http.Header{
			"Content-Type":  {"video/mp2t"},
			"Etag":          {`"abc"`},
			"Cache-Control": {"max-age=60", "public"},
			"Empty":         {""},
		},
		Body: []byte("segment bytes"),
	}
}

func encode(t testing.TB, e *Entry, at uint64) []byte {
	t.Helper()
	n, err := validateHeader(e.Header, defaultMaxHeaderBytes)
	if err != nil {
		t.Fatal(err)
	}
	return appendEntry(nil, e, n, at)
}

func assertEntryEqual(t *testing.T, got, want *Entry) {
	t.Helper()
	for _, tm := range []struct {
		name string
		g, w time.Time
	}{
		{"StoredAt", got.StoredAt, want.StoredAt}, {"FreshUntil", got.FreshUntil, want.FreshUntil},
		{"SWRUntil", got.SWRUntil, want.SWRUntil}, {"SIEUntil", got.SIEUntil, want.SIEUntil},
	} {
		if !tm.g.Equal(tm.w) || tm.g.IsZero() != tm.w.IsZero() {
			t.Errorf("%s = %v, want %v", tm.name, tm.g, tm.w)
		}
	}
	g, w := got.Meta, want.Meta
	if !bytes.Equal(g.Facts, w.Facts) {
		t.Errorf("Facts = %q, want %q", g.Facts, w.Facts)
	}
	g.StoredAt, g.FreshUntil, g.SWRUntil, g.SIEUntil, g.Facts = time.Time{}, time.Time{}, time.Time{}, time.Time{}, nil
	w.StoredAt, w.FreshUntil, w.SWRUntil, w.SIEUntil, w.Facts = time.Time{}, time.Time{}, time.Time{}, time.Time{}, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("Meta = %+v, want %+v", g, w)
	}
	wantHdr := want.Header
	if len(wantHdr) == 0 {
		wantHdr = nil
	}
	if !reflect.DeepEqual(got.Header, wantHdr) {
		t.Errorf("Header = %v, want %v", got.Header, wantHdr)
	}
	if !bytes.Equal(got.Body, want.Body) {
		t.Errorf("Body = %q, want %q", got.Body, want.Body)
	}
}

func TestEntryRoundTrip(t *testing.T) {
	full := sampleEntry()
	far := sampleEntry()
	far.FreshUntil = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) // clamped to 2262
	tests := []struct {
		name string
		e    *Entry
		want *Entry
	}{
		{"every_field", full, full},
		{"zero_entry", &Entry{}, &Entry{}},
		{"epoch_is_not_zero_time", &Entry{Meta: Meta{StoredAt: time.Unix(0, 0)}}, &Entry{Meta: Meta{StoredAt: time.Unix(0, 0)}}},
		{"empty_header_map_decodes_nil", &Entry{Header: http.Header{"X": nil}}, &Entry{}},
		{"far_future_clamped", far, func() *Entry { e := *far; e.FreshUntil = time.Unix(0, 1<<63-1); return &e }()},
		{"binary_body", &Entry{Body: []byte{0, 0xff, 'S', 'E', 'G', 1}}, &Entry{Body: []byte{0, 0xff, 'S', 'E', 'G', 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := encode(t, tt.e, 42)
			var got Entry
			at, err := decodeEntry(b, &got)
			if err != nil {
				t.Fatal(err)
			}
			if at != 42 {
				t.Errorf("writtenAt = %d, want 42", at)
			}
			assertEntryEqual(t, &got, tt.want)
		})
	}
}

func TestDecodeEntryRejects(t *testing.T) {
	valid := encode(t, sampleEntry(), 1)
	hdrOff := fixedSize + len(sampleEntry().Facts)
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(valid)) }
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrCorrupt},
		{"short_fixed_header", valid[:fixedSize-1], ErrCorrupt},
		{"bad_magic", mutate(func(b []byte) []byte { b[0] = 'X'; return b }), ErrCorrupt},
		{"other_version", mutate(func(b []byte) []byte { b[3] = formatVersion + 1; return b }), ErrVersion},
		{"truncated_body", valid[:len(valid)-1], ErrCorrupt},
		{"extra_byte", append(bytes.Clone(valid), 0), ErrCorrupt},
		{"version_1_value_is_a_miss", mutate(func(b []byte) []byte { b[3] = 1; return b }), ErrVersion},
		{"body_length_huge", mutate(func(b []byte) []byte { b[offBodyLen+7] = 0xff; return b }), ErrCorrupt},
		{"header_length_beyond_value", mutate(func(b []byte) []byte { b[offHeaderLen+3] = 0x7f; return b }), ErrCorrupt},
		{"facts_length_over_bound", mutate(func(b []byte) []byte { b[offFactsLen+1] = 1; return b }), ErrCorrupt},
		{"facts_length_beyond_value", mutate(func(b []byte) []byte { b[offFactsLen+3] = 0x7f; return b }), ErrCorrupt},
		{"status_out_of_range", mutate(func(b []byte) []byte { b[offStatus+1] = 0xff; return b }), ErrCorrupt},
		{"header_pair_count_too_high", mutate(func(b []byte) []byte { b[hdrOff]++; return b }), ErrCorrupt},
		{"header_name_length_overrun", mutate(func(b []byte) []byte { b[hdrOff+3] = 0xff; return b }), ErrCorrupt},
		{"header_names_not_sorted", encodeRaw(t, [][2]string{{"A", "1"}, {"B", "2"}, {"A", "3"}}), ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Entry
			if _, err := decodeEntry(tt.b, &e); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// encodeRaw builds a value whose header block has the given pairs in order.
func encodeRaw(t *testing.T, pairs [][2]string) []byte {
	t.Helper()
	b := encode(t, &Entry{}, 0)
	b = b[:fixedSize]
	blk := []byte{byte(len(pairs)), 0}
	for _, p := range pairs {
		blk = append(blk, byte(len(p[0])), 0, byte(len(p[1])), 0)
		blk = append(blk, p[0]+p[1]...)
	}
	b[offHeaderLen] = byte(len(blk))
	return append(b, blk...)
}

func TestDecodedHeaderSlicesAreIndependent(t *testing.T) {
	b := encode(t, &Entry{Header: http.Header{"A": {"1"}, "B": {"2"}}}, 0)
	var e Entry
	if _, err := decodeEntry(b, &e); err != nil {
		t.Fatal(err)
	}
	e.Header["A"] = append(e.Header["A"], "x")
	if got := e.Header.Get("B"); got != "2" {
		t.Fatalf("append to A clobbered B: %q", got)
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add(encode(f, sampleEntry(), 7))
	f.Add(encode(f, &Entry{}, 0))
	f.Add(encode(f, &Entry{Header: http.Header{"A": {"1", "2"}, "B": {""}}, Body: []byte("x")}, 1))
	f.Add([]byte{})
	f.Add([]byte("SEG\x02"))
	f.Add(encode(f, &Entry{Meta: Meta{Facts: bytes.Repeat([]byte{7}, MaxFactsBytes)}}, 3))
	f.Add(bytes.Repeat([]byte{0xff}, fixedSize+8))
	f.Add(append([]byte("SEG\x02"), make([]byte, fixedSize)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		var e Entry
		if _, err := decodeEntry(b, &e); err != nil {
			return
		}
		hdr, _ := headerBlockSize(e.Header)
		if fixedSize+len(e.Facts)+hdr+len(e.Body) > len(b) || len(e.Facts) > MaxFactsBytes {
			t.Fatalf("decoded %d facts + %d header + %d body bytes from %d", len(e.Facts), hdr, len(e.Body), len(b))
		}
		if len(e.Body) > 0 && &e.Body[len(e.Body)-1] != &b[len(b)-1] {
			t.Fatal("body does not alias the tail of the input")
		}
		// A successful decode re-encodes to the same bytes.
		if got := encode(t, &e, 0)[fixedSize:]; !bytes.Equal(got, b[fixedSize:]) {
			t.Fatalf("re-encode differs")
		}
	})
}
