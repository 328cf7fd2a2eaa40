package cmcd

// Key is a CMCD key this package types.
type Key uint8

// The CTA-5004 v1 keys.
const (
	BR  Key = iota // encoded bitrate, kbps (Object)
	BL             // buffer length, ms (Request)
	BS             // buffer starvation (Status)
	CID            // content ID (Session)
	D              // object duration, ms (Object)
	DL             // deadline, ms (Request)
	MTP            // measured throughput, kbps (Request)
	NOR            // next object request (Request)
	NRR            // next range request (Request)
	OT             // object type (Object)
	PR             // playback rate (Session)
	RTP            // requested maximum throughput, kbps (Status)
	SF             // streaming format (Session)
	SID            // session ID (Session)
	ST             // stream type (Session)
	SU             // startup (Request)
	TB             // top bitrate, kbps (Object)
	V              // CMCD version (Session)
	numKeys
)

var keyNames = [numKeys]string{"br", "bl", "bs", "cid", "d", "dl", "mtp", "nor", "nrr", "ot", "pr", "rtp", "sf", "sid", "st", "su", "tb", "v"}

var keyByName = func() map[string]Key {
	m := make(map[string]Key, numKeys)
	for k, n := range keyNames {
		m[n] = Key(k)
	}
	return m
}()

func (k Key) String() string {
	if k < numKeys {
		return keyNames[k]
	}
	return "?"
}

// kind is a key's v1 value type.
type kind uint8

const (
	kindInt kind = iota
	kindString
	kindToken
	kindBool
	kindDecimal
)

var keyKinds = [numKeys]kind{
	BR: kindInt, BL: kindInt, BS: kindBool, CID: kindString, D: kindInt, DL: kindInt, MTP: kindInt,
	NOR: kindString, NRR: kindString, OT: kindToken, PR: kindDecimal, RTP: kindInt, SF: kindToken,
	SID: kindString, ST: kindToken, SU: kindBool, TB: kindInt, V: kindInt,
}

// Pair is a key this package does not type (a custom com.example-key or a
// CMCD v2 key), kept as its raw value.
type Pair struct {
	Key   string
	Value string
}

// Data is one request's CMCD. Has reports which typed keys were present; a
// key's field is meaningful only then (bl=0 is an empty buffer, not absent).
type Data struct {
	Bitrate             int64   // br
	BufferLength        int64   // bl
	BufferStarvation    bool    // bs
	ContentID           string  // cid
	Duration            int64   // d
	Deadline            int64   // dl
	MeasuredThroughput  int64   // mtp
	NextObject          string  // nor
	NextRange           string  // nrr
	ObjectType          string  // ot
	PlaybackRate        float64 // pr
	RequestedThroughput int64   // rtp
	StreamingFormat     string  // sf
	SessionID           string  // sid
	StreamType          string  // st
	Startup             bool    // su
	TopBitrate          int64   // tb
	Version             int64   // v
	Unknown             []Pair  // at most MaxUnknown

	present uint32
}

// Has reports whether k was present.
func (d *Data) Has(k Key) bool { return k < numKeys && d.present&(1<<k) != 0 }

// Empty reports whether no key at all was present.
func (d *Data) Empty() bool { return d.present == 0 && len(d.Unknown) == 0 }

// Int returns an integer key's value and presence.
func (d *Data) Int(k Key) (int64, bool) {
	if !d.Has(k) {
		return 0, false
	}
	switch k {
	case BR:
		return d.Bitrate, true
	case BL:
		return d.BufferLength, true
	case D:
		return d.Duration, true
	case DL:
		return d.Deadline, true
	case MTP:
		return d.MeasuredThroughput, true
	case RTP:
		return d.RequestedThroughput, true
	case TB:
		return d.TopBitrate, true
	case V:
		return d.Version, true
	}
	return 0, false
}
