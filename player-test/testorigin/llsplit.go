package testorigin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// llPart is one LL-HLS partial segment of a fixture segment: a complete
// CMAF chunk (moof+mdat) holding a run of the segment's samples.
type llPart struct {
	data        []byte        // moof+mdat, timestamps of cycle 0
	dur         time.Duration // media duration
	end         time.Duration // media end, from the segment's first sample
	independent bool          // starts with a sync sample
}

// trun flags (ISO/IEC 14496-12 §8.8.8) and tfhd flags (§8.8.7).
const (
	trunDataOffset  = 0x000001
	trunFirstFlags  = 0x000004
	trunDuration    = 0x000100
	trunSize        = 0x000200
	trunFlags       = 0x000400
	trunCTS         = 0x000800
	tfhdBaseOffset  = 0x000001
	tfhdDefDuration = 0x000008
	tfhdDefSize     = 0x000010
	tfhdDefFlags    = 0x000020
	tfhdBaseIsMoof  = 0x020000
	sampleNonSync   = 0x00010000
)

// sample is one trun entry with its defaults resolved.
type sample struct {
	dur, size, flags, cts uint32
	data                  []byte
}

// fragment is the single-track moof+mdat of a fixture segment.
type fragment struct {
	tfhd      []byte // whole box, copied into every part
	base      uint64 // tfdt baseMediaDecodeTime
	timescale uint32
	runFlags  uint32
	samples   []sample
}

var errSplit = errors.New("testorigin: cannot split fragment into parts")

// splitParts cuts an fMP4 media segment into parts of at most about
// target: sample j goes to part floor(start_j / target).
func splitParts(seg []byte, timescales map[uint32]uint32, target time.Duration) ([]llPart, error) {
	fr, err := parseFragment(seg, timescales)
	if err != nil {
		return nil, err
	}
	var parts []llPart
	var groups [][]sample
	var at uint64
	for _, s := range fr.samples {
		k := int(time.Duration(at) * time.Second / time.Duration(fr.timescale) / target)
		for len(groups) <= k {
			groups = append(groups, nil)
		}
		groups[k] = append(groups[k], s)
		at += uint64(s.dur)
	}
	at = 0
	for i, g := range groups {
		if len(g) == 0 {
			return nil, fmt.Errorf("%w: empty part %d", errSplit, i)
		}
		data, d := fr.chunk(g, fr.base+at, uint32(i+1), i == 0)
		start := at
		at += d
		parts = append(parts, llPart{
			data:        data,
			dur:         fr.ticks(at - start),
			end:         fr.ticks(at),
			independent: g[0].flags&sampleNonSync == 0,
		})
	}
	return parts, nil
}

func (fr *fragment) ticks(t uint64) time.Duration {
	return time.Duration(t) * time.Second / time.Duration(fr.timescale)
}

func parseFragment(seg []byte, timescales map[uint32]uint32) (*fragment, error) {
	traf, err := find(seg, 0, len(seg), "moof", "traf")
	if err != nil {
		return nil, err
	}
	moof, _ := find(seg, 0, len(seg), "moof")
	boxes, err := children(seg, traf.body, traf.end)
	if err != nil {
		return nil, err
	}
	fr := &fragment{}
	var tfhdFlags, defDur, defSize, defFlags uint32
	var trun box
	for _, b := range boxes {
		switch b.typ {
		case "tfhd":
			fr.tfhd = seg[b.start:b.end]
			tfhdFlags, defDur, defSize, defFlags = parseTfhd(seg[b.body:b.end])
			fr.timescale = timescales[binary.BigEndian.Uint32(seg[b.body+4:])]
		case "tfdt":
			if seg[b.body] == 1 {
				fr.base = binary.BigEndian.Uint64(seg[b.body+4:])
			} else {
				fr.base = uint64(binary.BigEndian.Uint32(seg[b.body+4:]))
			}
		case "trun":
			if trun.typ != "" {
				return nil, fmt.Errorf("%w: several truns", errSplit)
			}
			trun = b
		}
	}
	if fr.tfhd == nil || trun.typ == "" || fr.timescale == 0 || tfhdFlags&tfhdBaseOffset != 0 ||
		tfhdFlags&tfhdBaseIsMoof == 0 {
		return nil, fmt.Errorf("%w: need one traf with tfhd (default-base-is-moof), tfdt and trun", errSplit)
	}
	return fr, fr.readTrun(seg, moof.start, seg[trun.body:trun.end], [3]uint32{defDur, defSize, defFlags}, tfhdFlags)
}

// parseTfhd returns the flags and the default duration, size and flags.
func parseTfhd(p []byte) (flags, dur, size, sflags uint32) {
	flags = binary.BigEndian.Uint32(p) & 0xffffff
	off := 8
	if flags&tfhdBaseOffset != 0 {
		off += 8
	}
	if flags&0x2 != 0 { // sample_description_index
		off += 4
	}
	read := func(bit uint32) uint32 {
		if flags&bit == 0 || off+4 > len(p) {
			return 0
		}
		v := binary.BigEndian.Uint32(p[off:])
		off += 4
		return v
	}
	dur, size, sflags = read(tfhdDefDuration), read(tfhdDefSize), read(tfhdDefFlags)
	return flags, dur, size, sflags
}

// readTrun resolves every sample of the trun p (payload) against the tfhd
// defaults and slices its bytes from seg (data offset from moofStart).
func (fr *fragment) readTrun(seg []byte, moofStart int, p []byte, def [3]uint32, tfhdFlags uint32) error {
	if len(p) < 8 {
		return errShortBox
	}
	flags := binary.BigEndian.Uint32(p) & 0xffffff
	n, off := int(binary.BigEndian.Uint32(p[4:])), 8
	fr.runFlags = flags
	u32 := func() uint32 {
		if off+4 > len(p) {
			off = len(p) + 1
			return 0
		}
		v := binary.BigEndian.Uint32(p[off:])
		off += 4
		return v
	}
	if flags&trunDataOffset == 0 || (flags&trunDuration == 0 && tfhdFlags&tfhdDefDuration == 0) ||
		(flags&trunSize == 0 && tfhdFlags&tfhdDefSize == 0) {
		return fmt.Errorf("%w: trun needs a data offset, durations and sizes", errSplit)
	}
	pos := moofStart + int(int32(u32()))
	first := def[2]
	if flags&trunFirstFlags != 0 {
		first = u32()
	}
	for i := 0; i < n; i++ {
		s := sample{dur: def[0], size: def[1], flags: def[2]}
		if i == 0 {
			s.flags = first
		}
		for _, f := range []struct {
			bit uint32
			dst *uint32
		}{{trunDuration, &s.dur}, {trunSize, &s.size}, {trunFlags, &s.flags}, {trunCTS, &s.cts}} {
			if flags&f.bit != 0 {
				*f.dst = u32()
			}
		}
		if off > len(p) || pos+int(s.size) > len(seg) || pos < 0 {
			return errShortBox
		}
		s.data = seg[pos : pos+int(s.size)]
		pos += int(s.size)
		fr.samples = append(fr.samples, s)
	}
	return nil
}
