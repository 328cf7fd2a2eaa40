package testorigin

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// box is one ISO-BMFF box inside a buffer: the header starts at start, the
// payload at body, and the box ends at end.
type box struct {
	typ              string
	start, body, end int
}

var errShortBox = errors.New("testorigin: truncated mp4 box")

// children lists the boxes laid out back to back in b[start:end].
func children(b []byte, start, end int) ([]box, error) {
	var out []box
	for off := start; off < end; {
		if end-off < 8 {
			return nil, errShortBox
		}
		size, hdr := int(binary.BigEndian.Uint32(b[off:])), 8
		switch size {
		case 0:
			size = end - off
		case 1:
			if end-off < 16 {
				return nil, errShortBox
			}
			size, hdr = int(binary.BigEndian.Uint64(b[off+8:])), 16
		}
		if size < hdr || off+size > end {
			return nil, errShortBox
		}
		out = append(out, box{string(b[off+4 : off+8]), off, off + hdr, off + size})
		off += size
	}
	return out, nil
}

// find returns the first box of each given type along path, starting in
// b[start:end]; every box but the last must be a plain container.
func find(b []byte, start, end int, path ...string) (box, error) {
	var cur box
	for i, typ := range path {
		bs, err := children(b, start, end)
		if err != nil {
			return box{}, err
		}
		found := false
		for _, c := range bs {
			if c.typ == typ {
				cur, found = c, true
				break
			}
		}
		if !found {
			return box{}, fmt.Errorf("testorigin: no %s box", path[:i+1])
		}
		start, end = cur.body, cur.end
	}
	return cur, nil
}

// trackTimescales maps each track_ID of an init segment to its mdhd timescale.
func trackTimescales(init []byte) (map[uint32]uint32, error) {
	moov, err := find(init, 0, len(init), "moov")
	if err != nil {
		return nil, err
	}
	traks, err := children(init, moov.body, moov.end)
	if err != nil {
		return nil, err
	}
	out := map[uint32]uint32{}
	for _, t := range traks {
		if t.typ != "trak" {
			continue
		}
		tkhd, err := find(init, t.body, t.end, "tkhd")
		if err != nil {
			return nil, err
		}
		mdhd, err := find(init, t.body, t.end, "mdia", "mdhd")
		if err != nil {
			return nil, err
		}
		out[fullBoxField(init, tkhd, 12, 20)] = fullBoxField(init, mdhd, 12, 20)
	}
	if len(out) == 0 {
		return nil, errors.New("testorigin: init segment has no tracks")
	}
	return out, nil
}

// fullBoxField reads the uint32 at offset v0 (version 0) or v1 (version 1)
// from the start of a full box's payload.
func fullBoxField(b []byte, bx box, v0, v1 int) uint32 {
	off := v0
	if b[bx.body] == 1 {
		off = v1
	}
	return binary.BigEndian.Uint32(b[bx.body+off:])
}

// avcCodec returns the RFC 6381 codec string (avc1.PPCCLL) of the first
// avc1 sample entry in an init segment.
func avcCodec(init []byte) (string, error) {
	stsd, err := find(init, 0, len(init), "moov", "trak", "mdia", "minf", "stbl", "stsd")
	if err != nil {
		return "", err
	}
	// stsd: full box header (4) + entry_count (4); avc1: VisualSampleEntry (78).
	avc1, err := find(init, stsd.body+8, stsd.end, "avc1")
	if err != nil {
		return "", err
	}
	avcC, err := find(init, avc1.body+78, avc1.end, "avcC")
	if err != nil {
		return "", err
	}
	if avcC.end-avcC.body < 4 {
		return "", errShortBox
	}
	p := init[avcC.body+1 : avcC.body+4]
	return fmt.Sprintf("avc1.%02x%02x%02x", p[0], p[1], p[2]), nil
}

// trackSize reads the presentation width and height (16.16 fixed point, the
// last 8 bytes of tkhd) of the first track of an init segment.
func trackSize(init []byte) (w, h int, err error) {
	tkhd, err := find(init, 0, len(init), "moov", "trak", "tkhd")
	if err != nil {
		return 0, 0, err
	}
	if tkhd.end-tkhd.body < 84 {
		return 0, 0, errShortBox
	}
	return int(binary.BigEndian.Uint32(init[tkhd.end-8:]) >> 16),
		int(binary.BigEndian.Uint32(init[tkhd.end-4:]) >> 16), nil
}
