package testorigin

import "encoding/binary"

// chunk builds moof(mfhd, traf(tfhd, tfdt v1, trun)) + mdat for samples,
// starting at decode time base. first keeps the trun's first-sample-flags
// (only the segment's first part starts with the sync sample that the
// fixture flags that way). It returns the bytes and the summed duration.
func (fr *fragment) chunk(samples []sample, base uint64, seq uint32, first bool) ([]byte, uint64) {
	flags := fr.runFlags &^ trunFirstFlags
	if first {
		flags = fr.runFlags
	}
	var run []byte
	run = be32(run, uint32(len(samples)))
	run = be32(run, 0) // data offset, patched below
	if flags&trunFirstFlags != 0 {
		run = be32(run, samples[0].flags)
	}
	var dur uint64
	var mdat []byte
	for _, s := range samples {
		for _, f := range []struct {
			bit uint32
			v   uint32
		}{{trunDuration, s.dur}, {trunSize, s.size}, {trunFlags, s.flags}, {trunCTS, s.cts}} {
			if flags&f.bit != 0 {
				run = be32(run, f.v)
			}
		}
		dur += uint64(s.dur)
		mdat = append(mdat, s.data...)
	}
	trun := fullBox("trun", 0, flags, run)
	tfdt := fullBox("tfdt", 1, 0, binary.BigEndian.AppendUint64(nil, base))
	traf := plainBox("traf", fr.tfhd, tfdt, trun)
	moof := plainBox("moof", fullBox("mfhd", 0, 0, be32(nil, seq)), traf)
	// data offset: from the moof start to the first mdat payload byte.
	dataOff := len(moof) + 8
	at := len(moof) - len(trun) + 12 + 4 // trun header (12) + sample_count (4)
	binary.BigEndian.PutUint32(moof[at:], uint32(dataOff))
	return append(moof, plainBox("mdat", mdat)...), dur
}

func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

func plainBox(typ string, payloads ...[]byte) []byte {
	n := 8
	for _, p := range payloads {
		n += len(p)
	}
	b := be32(make([]byte, 0, n), uint32(n))
	b = append(b, typ...)
	for _, p := range payloads {
		b = append(b, p...)
	}
	return b
}

func fullBox(typ string, version uint8, flags uint32, payload []byte) []byte {
	return plainBox(typ, be32(nil, uint32(version)<<24|flags&0xffffff), payload)
}
