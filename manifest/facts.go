package manifest

import (
	"encoding/binary"
	"math"
	"time"
)

// Facts encoding: the Info of a stored manifest, kept by the object store as
// an opaque blob (segments.Meta.Facts) so that the "never replace a live
// manifest with an older one" rule can compare a refresh with the cached
// copy without re-parsing it. manifest alone knows the layout:
//
//	u8 version (2), u8 Format, u8 flag bits (1 Master, 2 Live, 4 PublishTime
//	set, 8 NewestSegmentEnd set), uvarint TargetDuration ns, uvarint
//	MediaSequence, uvarint Segments, uvarint MinimumUpdatePeriod ns, then
//	when flag 4: varint PublishTime Unix seconds, uvarint nanoseconds; then
//	when flag 8: the same for NewestSegmentEnd.
//
// Version 1 (written before NewestSegmentEnd) is the same without flag 8
// and still decodes. A blob of another version, or one that does not decode
// exactly, is "no facts" (Info{}): a cached copy whose facts are lost is
// simply replaced by the next refresh.
const (
	factsVersion = 2
	// MaxFactsLen bounds EncodeFacts' output.
	MaxFactsLen = 3 + 4*binary.MaxVarintLen64 + 4*binary.MaxVarintLen64

	factMaster     = 1
	factLive       = 2
	factPublish    = 4
	factSegmentEnd = 8
	factAllV1      = factMaster | factLive | factPublish
	factAll        = factAllV1 | factSegmentEnd
)

// EncodeFacts returns the stored form of info, nil for a non-manifest.
func EncodeFacts(info Info) []byte {
	if info.Format != HLS && info.Format != DASH {
		return nil
	}
	var flags byte
	if info.Master {
		flags |= factMaster
	}
	if info.Live {
		flags |= factLive
	}
	if !info.PublishTime.IsZero() {
		flags |= factPublish
	}
	if !info.NewestSegmentEnd.IsZero() {
		flags |= factSegmentEnd
	}
	b := make([]byte, 0, MaxFactsLen)
	b = append(b, factsVersion, byte(info.Format), flags)
	b = binary.AppendUvarint(b, uint64(max(info.TargetDuration, 0)))
	b = binary.AppendUvarint(b, info.MediaSequence)
	b = binary.AppendUvarint(b, uint64(max(info.Segments, 0)))
	b = binary.AppendUvarint(b, uint64(max(info.MinimumUpdatePeriod, 0)))
	if flags&factPublish != 0 {
		b = appendInstant(b, info.PublishTime)
	}
	if flags&factSegmentEnd != 0 {
		b = appendInstant(b, info.NewestSegmentEnd)
	}
	return b
}

// DecodeFacts is EncodeFacts' inverse (and reads version 1 blobs). Any blob
// it did not produce (another version, truncated, trailing bytes,
// out-of-range values) yields Info{}; it never panics.
func DecodeFacts(b []byte) Info {
	if len(b) < 3 || len(b) > MaxFactsLen || !knownFlags(b[0], b[2]) {
		return Info{}
	}
	info := Info{Format: Format(b[1]), Master: b[2]&factMaster != 0, Live: b[2]&factLive != 0}
	if info.Format != HLS && info.Format != DASH {
		return Info{}
	}
	r := factReader{b: b[3:]}
	info.TargetDuration = time.Duration(r.uvarint(math.MaxInt64))
	info.MediaSequence = r.uvarint(math.MaxUint64)
	info.Segments = int(r.uvarint(math.MaxInt32))
	info.MinimumUpdatePeriod = time.Duration(r.uvarint(math.MaxInt64))
	if b[2]&factPublish != 0 {
		info.PublishTime = r.instant()
	}
	if b[2]&factSegmentEnd != 0 {
		info.NewestSegmentEnd = r.instant()
	}
	if r.bad || len(r.b) != 0 {
		return Info{}
	}
	return info
}

// knownFlags reports whether version is one DecodeFacts reads and flags
// are all defined in it.
func knownFlags(version, flags byte) bool {
	switch version {
	case 1:
		return flags&^factAllV1 == 0
	case factsVersion:
		return flags&^factAll == 0
	}
	return false
}

// appendInstant appends t as varint Unix seconds, uvarint nanoseconds.
func appendInstant(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// factReader reads varints, remembering the first failure.
type factReader struct {
	b   []byte
	bad bool
}

func (r *factReader) uvarint(limit uint64) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > limit {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *factReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// instant reads what appendInstant wrote; it must be a validPublishTime.
func (r *factReader) instant() time.Time {
	sec := r.varint()
	nsec := r.uvarint(999_999_999)
	t := time.Unix(sec, int64(nsec)).UTC()
	if !validPublishTime(t) || t.Unix() != sec {
		r.bad = true
	}
	return t
}

// validPublishTime bounds a PublishTime to years 1..9999 (what xs:dateTime
// and time.Time agree on), excluding the zero time, which means "absent".
func validPublishTime(t time.Time) bool {
	return !t.IsZero() && t.Year() >= 1 && t.Year() <= 9999
}
