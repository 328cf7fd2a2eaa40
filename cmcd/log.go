package cmcd

// Log is the compact access-log form of a request's CMCD: the keys worth a
// log line. Numbers are pointers so a present zero (bl=0: an empty buffer)
// is told apart from an absent key.
type Log struct {
	SID string `json:"sid,omitempty"`
	CID string `json:"cid,omitempty"`
	OT  string `json:"ot,omitempty"`
	BR  *int64 `json:"br,omitempty"`
	BL  *int64 `json:"bl,omitempty"`
	D   *int64 `json:"d,omitempty"`
	SU  bool   `json:"su,omitempty"`
	BS  bool   `json:"bs,omitempty"`
}

// Log returns d's access-log form, or nil when d carries none of its keys
// (so an access-log field `cmcd,omitempty` disappears).
func (d *Data) Log() *Log {
	l := &Log{SID: d.SessionID, CID: d.ContentID, OT: d.ObjectType, SU: d.Startup, BS: d.BufferStarvation}
	l.BR, l.BL, l.D = d.intPtr(BR), d.intPtr(BL), d.intPtr(D)
	if *l == (Log{}) {
		return nil
	}
	return l
}

func (d *Data) intPtr(k Key) *int64 {
	if v, ok := d.Int(k); ok {
		return &v
	}
	return nil
}
