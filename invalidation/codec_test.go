package invalidation

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"testing"
	"time"
)

func filledSet(t testing.TB) *Set {
	t.Helper()
	s := NewSet(Limits{}, nil)
	for i, paths := range [][]string{{"/live/index.m3u8", "/vod/*"}, {"/a.ts"}, {"/*"}} {
		if _, _, err := s.Create("ref-"+string(rune('a'+i)), paths, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// A restart does not resurrect invalidated objects: what was invalid before
// the snapshot is invalid after decoding it, and the API history survives.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := filledSet(t)
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b, Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"/live/index.m3u8", "/vod/x.ts", "/a.ts", "/anything"} {
		for _, at := range []time.Time{t0.Add(-time.Second), t0.Add(90 * time.Second), t0.Add(time.Hour)} {
			if s.Invalidated(key, at) != got.Invalidated(key, at) {
				t.Errorf("%s stored %v: decoded Set answers differently", key, at)
			}
		}
	}
	want, _ := s.List("", 10)
	have, _ := got.List("", 10)
	if len(want) != len(have) {
		t.Fatalf("history %d, want %d", len(have), len(want))
	}
	for i := range want {
		if want[i].ID != have[i].ID || want[i].CallerReference != have[i].CallerReference ||
			!slices.Equal(want[i].Paths, have[i].Paths) || !want[i].CreateTime.Equal(have[i].CreateTime) {
			t.Errorf("history %d: %+v, want %+v", i, have[i], want[i])
		}
	}
	if _, created, _ := got.Create("ref-a", []string{"/live/index.m3u8", "/vod/*"}, t0.Add(time.Hour)); created {
		t.Error("CallerReference idempotency lost across the snapshot")
	}
	again, _ := got.MarshalBinary()
	if !bytes.Equal(again, b) {
		t.Error("re-encoding the decoded Set differs")
	}
}

func TestDecodeRefusesDamage(t *testing.T) {
	b, _ := filledSet(t).MarshalBinary()
	for n := range len(b) {
		if _, err := Decode(b[:n], Limits{}, nil); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
	for i := range b {
		flipped := bytes.Clone(b)
		flipped[i] ^= 0x10
		if _, err := Decode(flipped, Limits{}, nil); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	v2 := bytes.Clone(b)
	v2[len(codecMagic)] = 2
	if _, err := Decode(v2, Limits{}, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("version 2 accepted: %v", err)
	}
}

// A snapshot holding more records than the current limits is cut to them
// (floor raised) rather than refused or kept whole.
func TestDecodeAppliesTheLimits(t *testing.T) {
	s := NewSet(Limits{}, nil)
	for i := range 50 {
		_ = s.Add([]string{"/s" + string(rune('A'+i))}, t0.Add(time.Duration(i)*time.Second))
	}
	b, _ := s.MarshalBinary()
	got, err := Decode(b, Limits{MaxRecords: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() > 10 || !got.Invalidated("/sA", t0.Add(-1)) {
		t.Fatalf("%d records; /sA invalid: %v", got.Len(), got.Invalidated("/sA", t0.Add(-1)))
	}
}

func FuzzDecode(f *testing.F) {
	b, _ := filledSet(f).MarshalBinary()
	f.Add(b)
	f.Add([]byte("seinv\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, b)
		// The same bytes as a body behind a valid header and checksum, so
		// the fuzzer explores the parser past the CRC.
		framed := append([]byte(codecMagic+"\x01"), b...)
		checkDecode(t, binary.LittleEndian.AppendUint32(framed, crc32.ChecksumIEEE(framed)))
	})
}

func checkDecode(t *testing.T, b []byte) {
	s, err := Decode(b, Limits{MaxRecords: 100, MaxHistory: 10}, nil)
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
		return
	}
	if s.Len() > 100 || len(s.history.items) > 10 {
		t.Fatalf("decoded past the limits: %d records, %d history", s.Len(), len(s.history.items))
	}
	s.Invalidated("/a", t0)
	if _, err := s.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
}
