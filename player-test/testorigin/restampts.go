package testorigin

import (
	"errors"
	"fmt"
)

const (
	tsPacket = 188
	tsClock  = 90000 // PTS/DTS ticks per second; PCR base too
)

// tsCCAdvance counts, per PID, the payload-carrying packets of a whole
// fixture cycle modulo 16: how far each continuity counter moves per cycle.
func tsCCAdvance(segs []segment) (map[uint16]uint8, error) {
	out := map[uint16]uint8{}
	for i, s := range segs {
		if len(s.data)%tsPacket != 0 {
			return nil, fmt.Errorf("testorigin: TS segment %d is not whole packets", i)
		}
		for p := 0; p < len(s.data); p += tsPacket {
			pkt := s.data[p : p+tsPacket]
			if pkt[3]&0x10 != 0 { // has payload
				pid := uint16(pkt[1]&0x1f)<<8 | uint16(pkt[2])
				out[pid] = (out[pid] + 1) & 0x0f
			}
		}
	}
	return out, nil
}

// restampTS returns a copy of the MPEG-TS segment seg as it plays in cycle
// number cycles: PCR, PTS and DTS move on by cycles × 12 s and continuity
// counters by cycles × the per-cycle advance, so consecutive cycles form
// one continuous stream without EXT-X-DISCONTINUITY.
func restampTS(seg []byte, advance map[uint16]uint8, cycles int64) ([]byte, error) {
	out := append([]byte(nil), seg...)
	ticks := uint64(cycles) * uint64(cycleDur.Seconds()) * tsClock
	for p := 0; p+tsPacket <= len(out); p += tsPacket {
		pkt := out[p : p+tsPacket]
		if pkt[0] != 0x47 {
			return nil, errors.New("testorigin: lost TS sync")
		}
		pid := uint16(pkt[1]&0x1f)<<8 | uint16(pkt[2])
		afc, payload := pkt[3]>>4&3, 4
		if pkt[3]&0x10 != 0 {
			cc := (pkt[3] + uint8(cycles%16)*advance[pid]) & 0x0f
			pkt[3] = pkt[3]&0xf0 | cc
		}
		if afc&2 != 0 { // adaptation field
			shiftPCR(pkt, ticks)
			payload += 1 + int(pkt[4])
		}
		if pkt[1]&0x40 != 0 && afc&1 != 0 && payload < tsPacket {
			shiftPES(pkt[payload:], ticks)
		}
	}
	return out, nil
}

// shiftPCR moves the 33-bit PCR base of a packet's adaptation field.
func shiftPCR(pkt []byte, ticks uint64) {
	if pkt[4] < 7 || pkt[5]&0x10 == 0 {
		return
	}
	b := pkt[6:12]
	base := uint64(b[0])<<25 | uint64(b[1])<<17 | uint64(b[2])<<9 | uint64(b[3])<<1 | uint64(b[4])>>7
	base = (base + ticks) & (1<<33 - 1)
	b[0], b[1], b[2], b[3] = byte(base>>25), byte(base>>17), byte(base>>9), byte(base>>1)
	b[4] = b[4]&0x7f | byte(base&1)<<7
}

// shiftPES moves the PTS and DTS of an audio/video PES header.
func shiftPES(p []byte, ticks uint64) {
	if len(p) < 19 || p[0] != 0 || p[1] != 0 || p[2] != 1 || p[3] < 0xc0 || p[3] > 0xef {
		return
	}
	flags := p[7] >> 6
	if flags&2 != 0 {
		shiftTimestamp(p[9:14], ticks)
	}
	if flags == 3 {
		shiftTimestamp(p[14:19], ticks)
	}
}

// shiftTimestamp rewrites a 5-byte PES timestamp, keeping its prefix and
// marker bits.
func shiftTimestamp(b []byte, ticks uint64) {
	ts := uint64(b[0]>>1&7)<<30 | uint64(b[1])<<22 | uint64(b[2]>>1)<<15 | uint64(b[3])<<7 | uint64(b[4]>>1)
	ts = (ts + ticks) & (1<<33 - 1)
	b[0] = b[0]&0xf1 | byte(ts>>29)&0x0e
	b[1] = byte(ts >> 22)
	b[2] = byte(ts>>14) | 1
	b[3] = byte(ts >> 7)
	b[4] = byte(ts<<1) | 1
}
