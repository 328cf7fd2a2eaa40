package sim

// ReqKind classifies a request for the requests-by-kind counters.
type ReqKind int

// Request kinds.
const (
	ReqPlaylist ReqKind = iota // HLS master/media playlist, DASH MPD
	ReqSegment                 // media segment or init section
	ReqOther                   // UTCTiming clock request and the like
	numReqKinds
)

var reqKindNames = [numReqKinds]string{"playlist", "segment", "other"}

func (k ReqKind) String() string { return reqKindNames[k] }

// ErrKind classifies a player-visible error.
type ErrKind int

// Error kinds.
const (
	ErrHTTP4xx      ErrKind = iota // HTTP status 400-499
	ErrHTTP5xx                     // HTTP status >= 500
	ErrTransport                   // dial/read/reset/timeout
	ErrParse                       // unparseable playlist/MPD or garbage segment
	ErrTruncated                   // body shorter than Content-Length / range
	ErrRangeIgnored                // 200 to a Range request
	ErrInconsistent                // HLS: same MSN with a different URI across reloads
	numErrKinds
)

var errKindNames = [numErrKinds]string{
	"http_4xx", "http_5xx", "transport", "parse", "truncated", "range_ignored", "inconsistent",
}

func (k ErrKind) String() string { return errKindNames[k] }
