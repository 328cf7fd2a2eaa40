package sim

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// validateSegment does a cheap sanity check of a segment's first bytes by
// file extension: MPEG-TS sync bytes, or a plausible ISO-BMFF box header.
// Other extensions pass. It catches garbage bodies, not subtle corruption.
func validateSegment(uri string, head []byte) error {
	if len(head) == 0 {
		return errors.New("empty segment")
	}
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	switch strings.ToLower(path.Ext(uri)) {
	case ".ts":
		return validateTS(head)
	case ".mp4", ".m4s", ".m4v", ".m4a", ".cmfv", ".cmfa", ".m4i":
		return validateBMFF(head)
	}
	return nil
}

func validateTS(b []byte) error {
	if b[0] != 0x47 || (len(b) > 188 && b[188] != 0x47) {
		return errors.New("MPEG-TS sync byte 0x47 missing")
	}
	return nil
}

func validateBMFF(b []byte) error {
	if len(b) < 8 {
		return fmt.Errorf("ISO-BMFF box header: %d bytes", len(b))
	}
	size := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if size != 0 && size != 1 && size < 8 {
		return fmt.Errorf("ISO-BMFF box size %d", size)
	}
	for _, c := range b[4:8] {
		if c < 0x20 || c > 0x7e {
			return fmt.Errorf("ISO-BMFF box type %q", b[4:8])
		}
	}
	return nil
}
