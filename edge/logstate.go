package edge

import (
	"time"

	"github.com/streamedge/streamedge/cmcd"
)

// logState is what the access log keeps of one request beyond the core's
// state, allocated only when there is something to keep: a request with
// CMCD, and every request in the cloudfront format. The counting writer
// carries it, so that it can stamp the first byte and a failed write.
type logState struct {
	cmcd      *cmcd.Log // the request's CMCD keys (JSON format); nil without CMCD
	cf        bool      // the cloudfront format: the fields below are kept
	viewer    viewer
	clock     func() time.Time
	firstByte time.Time // when the response head was written; zero before
	broken    bool      // a write to the client failed
	notYet    string    // the fill held a not-yet-published 404: appeared, gave_up, ... (notyet.go)
	heldMS    float64   // for how long
}

// logState returns the request's log state, allocating it on first use.
func (c *countingWriter) logState() *logState {
	if c.log == nil {
		c.log = &logState{}
	}
	return c.log
}

func (c *countingWriter) failedWrite() {
	if c.log != nil {
		c.log.broken = true
	}
}

func (ls *logState) cmcdLog() *cmcd.Log {
	if ls == nil {
		return nil
	}
	return ls.cmcd
}

func (ls *logState) notYetResult() string {
	if ls == nil {
		return ""
	}
	return ls.notYet
}

func (ls *logState) notYetHeld() float64 {
	if ls == nil {
		return 0
	}
	return ls.heldMS
}
