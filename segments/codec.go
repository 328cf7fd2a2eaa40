package segments

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"
)

// Entry value layout (little endian), version 2:
//
//	off  size  field
//	0    3     magic "SEG"
//	3    1     version
//	4    8     written-at (bytes-written counter at the write; patched on re-insert)
//	12   8×5   StoredAt, InitialAge, FreshUntil, SWRUntil, SIEUntil (unix ns / ns)
//	52   4     Flags
//	56   4     Status
//	60   4     facts length (≤ MaxFactsBytes)
//	64   4     header block length
//	68   8     body length
//	76   ...   facts: Meta.Facts, stored as given (the caller's versioned blob)
//	...  ...   header block: u16 pair count, then per pair u16 name length,
//	           u16 value length, name, value; names in ascending byte order
//	           (a name's values are consecutive, in order); decode enforces it
//	...  ...   body
//
// Version 1 (before the facts blob) had HLS playlist fields at fixed offsets;
// its values, and snapshots holding them, decode as ErrVersion: misses.
const (
	formatVersion = 2
	fixedSize     = 76
	offWrittenAt  = 4
	offFlags      = 52
	offStatus     = 56
	offFactsLen   = 60
	offHeaderLen  = 64
	offBodyLen    = 68
	maxStatus     = 999
	// zeroTime encodes time.Time{} (whose UnixNano is undefined).
	zeroTime = math.MinInt64
)

// MaxFactsBytes bounds Meta.Facts.
const MaxFactsBytes = 255

var magic = [3]byte{'S', 'E', 'G'}

// headerBlockSize returns the encoded size of h and the number of pairs.
func headerBlockSize(h http.Header) (size, pairs int) {
	size = 2
	for name, vals := range h {
		for _, v := range vals {
			size += 4 + len(name) + len(v)
			pairs++
		}
	}
	return size, pairs
}

// validateHeader checks h against the encoding's and the config's bounds.
func validateHeader(h http.Header, maxBytes int) (int, error) {
	size, pairs := headerBlockSize(h)
	if size > maxBytes || pairs > math.MaxUint16 {
		return 0, fmt.Errorf("%w: %d bytes, %d pairs (max %d bytes)", ErrHeadersTooBig, size, pairs, maxBytes)
	}
	for name, vals := range h {
		for _, v := range vals {
			if len(name) > math.MaxUint16 || len(v) > math.MaxUint16 {
				return 0, fmt.Errorf("%w: field %q too long", ErrHeadersTooBig, name)
			}
		}
	}
	return size, nil
}

func encodeTime(t time.Time) int64 {
	if t.IsZero() {
		return zeroTime
	}
	// UnixNano is only defined between 1678 and 2262; clamp outside that.
	switch {
	case t.Before(time.Unix(0, math.MinInt64+1)):
		return math.MinInt64 + 1
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func decodeTime(n int64) time.Time {
	if n == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// appendEntry appends the encoding of e (header block of hdrSize bytes and
// facts already validated) to dst.
func appendEntry(dst []byte, e *Entry, hdrSize int, writtenAt uint64) []byte {
	le := binary.LittleEndian
	dst = append(dst, magic[:]...)
	dst = append(dst, formatVersion)
	dst = le.AppendUint64(dst, writtenAt)
	dst = le.AppendUint64(dst, uint64(encodeTime(e.StoredAt)))
	dst = le.AppendUint64(dst, uint64(e.InitialAge))
	dst = le.AppendUint64(dst, uint64(encodeTime(e.FreshUntil)))
	dst = le.AppendUint64(dst, uint64(encodeTime(e.SWRUntil)))
	dst = le.AppendUint64(dst, uint64(encodeTime(e.SIEUntil)))
	dst = le.AppendUint32(dst, uint32(e.Flags))
	dst = le.AppendUint32(dst, uint32(e.Status))
	dst = le.AppendUint32(dst, uint32(len(e.Facts)))
	dst = le.AppendUint32(dst, uint32(hdrSize))
	dst = le.AppendUint64(dst, uint64(len(e.Body)))
	dst = append(dst, e.Facts...)
	_, pairs := headerBlockSize(e.Header)
	dst = le.AppendUint16(dst, uint16(pairs))
	for _, name := range slices.Sorted(mapsKeys(e.Header)) {
		for _, v := range e.Header[name] {
			dst = le.AppendUint16(dst, uint16(len(name)))
			dst = le.AppendUint16(dst, uint16(len(v)))
			dst = append(dst, name...)
			dst = append(dst, v...)
		}
	}
	return append(dst, e.Body...)
}

func mapsKeys(h http.Header) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k, vals := range h {
			if len(vals) > 0 && !yield(k) {
				return
			}
		}
	}
}

// setWrittenAt patches the written-at field of an encoded entry in place.
func setWrittenAt(b []byte, at uint64) {
	binary.LittleEndian.PutUint64(b[offWrittenAt:], at)
}

// writtenAt reads the written-at field of an encoded entry.
func writtenAt(b []byte) uint64 {
	return binary.LittleEndian.Uint64(b[offWrittenAt:])
}

// decodeEntry decodes b into e and returns the entry's written-at. Body
// aliases b; the facts and the header block are copied. Every length is
// checked against b: any inconsistency is ErrCorrupt, a foreign version
// ErrVersion.
func decodeEntry(b []byte, e *Entry) (writtenAt uint64, err error) {
	le := binary.LittleEndian
	if len(b) < fixedSize || [3]byte(b[:3]) != magic {
		return 0, fmt.Errorf("%w: bad magic or short value (%d bytes)", ErrCorrupt, len(b))
	}
	if b[3] != formatVersion {
		return 0, fmt.Errorf("%w: got %d, want %d", ErrVersion, b[3], formatVersion)
	}
	status := le.Uint32(b[offStatus:])
	factsLen := uint64(le.Uint32(b[offFactsLen:]))
	hdrLen := uint64(le.Uint32(b[offHeaderLen:]))
	bodyLen := le.Uint64(b[offBodyLen:])
	rest := uint64(len(b) - fixedSize)
	if status > maxStatus || factsLen > MaxFactsBytes || hdrLen < 2 || factsLen+hdrLen > rest || bodyLen != rest-factsLen-hdrLen {
		return 0, fmt.Errorf("%w: status %d, facts %d + header %d + body %d != %d", ErrCorrupt, status, factsLen, hdrLen, bodyLen, rest)
	}
	hdrStart := fixedSize + int(factsLen)
	hdrEnd := hdrStart + int(hdrLen)
	hdr, err := decodeHeader(b[hdrStart:hdrEnd])
	if err != nil {
		return 0, err
	}
	var facts []byte
	if factsLen > 0 {
		facts = bytes.Clone(b[fixedSize:hdrStart])
	}
	*e = Entry{
		Meta: Meta{
			Status:     int(status),
			StoredAt:   decodeTime(int64(le.Uint64(b[12:]))),
			InitialAge: time.Duration(le.Uint64(b[20:])),
			FreshUntil: decodeTime(int64(le.Uint64(b[28:]))),
			SWRUntil:   decodeTime(int64(le.Uint64(b[36:]))),
			SIEUntil:   decodeTime(int64(le.Uint64(b[44:]))),
			Flags:      Flags(le.Uint32(b[offFlags:])),
			Facts:      facts,
		},
		Header: hdr,
		Body:   b[hdrEnd:len(b):len(b)],
	}
	return le.Uint64(b[offWrittenAt:]), nil
}

// decodeHeader parses a header block. It allocates one string for the whole
// block, one []string backing array and the map; names and values are
// substrings of the block.
func decodeHeader(blk []byte) (http.Header, error) {
	le := binary.LittleEndian
	pairs := int(le.Uint16(blk))
	// First pass: validate lengths, count distinct (consecutive) names.
	names, off := 0, 2
	var prev []byte
	for i := 0; i < pairs; i++ {
		if len(blk)-off < 4 {
			return nil, fmt.Errorf("%w: header pair %d truncated", ErrCorrupt, i)
		}
		nl, vl := int(le.Uint16(blk[off:])), int(le.Uint16(blk[off+2:]))
		off += 4
		if len(blk)-off < nl+vl {
			return nil, fmt.Errorf("%w: header pair %d overruns block", ErrCorrupt, i)
		}
		name := blk[off : off+nl]
		switch c := bytes.Compare(name, prev); {
		case i > 0 && c < 0:
			return nil, fmt.Errorf("%w: header names not sorted", ErrCorrupt)
		case i == 0 || c > 0:
			names++
			prev = name
		}
		off += nl + vl
	}
	if off != len(blk) {
		return nil, fmt.Errorf("%w: header block has %d trailing bytes", ErrCorrupt, len(blk)-off)
	}
	if pairs == 0 {
		return nil, nil
	}
	s := string(blk)
	h := make(http.Header, names)
	vals := make([]string, pairs)
	off, start := 2, 0
	for i := 0; i < pairs; i++ {
		nl, vl := int(le.Uint16(blk[off:])), int(le.Uint16(blk[off+2:]))
		off += 4
		name := s[off : off+nl]
		vals[i] = s[off+nl : off+nl+vl]
		off += nl + vl
		last := i == pairs-1
		if !last {
			nnl := int(le.Uint16(blk[off:]))
			last = s[off+4:off+4+nnl] != name
		}
		if last {
			h[name] = vals[start : i+1 : i+1]
			start = i + 1
		}
	}
	return h, nil
}
