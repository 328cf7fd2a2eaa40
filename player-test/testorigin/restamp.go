package testorigin

import (
	"encoding/binary"
	"fmt"
)

// restamp returns a copy of the fMP4 media segment seg with every timestamp
// moved later by shiftSec seconds: tfdt baseMediaDecodeTime (versions 0 and
// 1, in the timescale of its track) and sidx earliest_presentation_time (in
// the sidx's own timescale). Each mfhd sequence number is set to seq.
// Version 0 fields wrap modulo 2^32.
func restamp(seg []byte, timescales map[uint32]uint32, shiftSec int64, seq uint32) ([]byte, error) {
	out := append([]byte(nil), seg...)
	top, err := children(out, 0, len(out))
	if err != nil {
		return nil, err
	}
	for _, b := range top {
		switch b.typ {
		case "sidx":
			shiftSidx(out, b, shiftSec)
		case "moof":
			if err := restampMoof(out, b, timescales, shiftSec, seq); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func restampMoof(b []byte, moof box, timescales map[uint32]uint32, shiftSec int64, seq uint32) error {
	kids, err := children(b, moof.body, moof.end)
	if err != nil {
		return err
	}
	for _, k := range kids {
		switch k.typ {
		case "mfhd":
			binary.BigEndian.PutUint32(b[k.body+4:], seq)
		case "traf":
			if err := restampTraf(b, k, timescales, shiftSec); err != nil {
				return err
			}
		}
	}
	return nil
}

func restampTraf(b []byte, traf box, timescales map[uint32]uint32, shiftSec int64) error {
	tfhd, err := find(b, traf.body, traf.end, "tfhd")
	if err != nil {
		return err
	}
	id := binary.BigEndian.Uint32(b[tfhd.body+4:])
	ts, ok := timescales[id]
	if !ok {
		return fmt.Errorf("testorigin: traf for unknown track %d", id)
	}
	tfdt, err := find(b, traf.body, traf.end, "tfdt")
	if err != nil {
		return err
	}
	addTime(b, tfdt.body, 4, uint64(shiftSec)*uint64(ts))
	return nil
}

// shiftSidx moves earliest_presentation_time, which follows reference_ID
// and timescale in the sidx payload.
func shiftSidx(b []byte, sidx box, shiftSec int64) {
	ts := binary.BigEndian.Uint32(b[sidx.body+8:])
	addTime(b, sidx.body, 12, uint64(shiftSec)*uint64(ts))
}

// addTime adds d to the 32-bit (version 0) or 64-bit (version 1) time field
// at payload offset off of the full box whose payload starts at body.
func addTime(b []byte, body, off int, d uint64) {
	p := b[body+off:]
	if b[body] == 1 {
		binary.BigEndian.PutUint64(p, binary.BigEndian.Uint64(p)+d)
		return
	}
	binary.BigEndian.PutUint32(p, binary.BigEndian.Uint32(p)+uint32(d))
}

// baseDecodeTime reads the first tfdt of a media segment (used by tests and
// sanity checks).
func baseDecodeTime(seg []byte) (uint64, error) {
	tfdt, err := find(seg, 0, len(seg), "moof", "traf", "tfdt")
	if err != nil {
		return 0, err
	}
	if seg[tfdt.body] == 1 {
		return binary.BigEndian.Uint64(seg[tfdt.body+4:]), nil
	}
	return uint64(binary.BigEndian.Uint32(seg[tfdt.body+4:])), nil
}
