package cmcd

// set stores key k's value; hasValue is false for a bare key.
func (p *parser) set(k Key, v string, hasValue bool) error {
	d := &p.d
	switch keyKinds[k] {
	case kindBool:
		b, err := parseBool(v, hasValue)
		if err != nil {
			return err
		}
		if k == BS {
			d.BufferStarvation = b
		} else {
			d.Startup = b
		}
	case kindInt:
		n, err := parseInt(v)
		if err != nil {
			return err
		}
		*d.intField(k) = n
	case kindDecimal:
		f, err := parseDecimal(v)
		if err != nil {
			return err
		}
		d.PlaybackRate = f
	case kindToken:
		t, err := parseToken(v)
		if err != nil {
			return err
		}
		*d.stringField(k) = t
	case kindString:
		limit := MaxStringBytes
		if k == SID || k == CID {
			limit = MaxIDBytes
		}
		s, err := parseString(v, limit)
		if err != nil {
			return err
		}
		*d.stringField(k) = s
	}
	d.present |= 1 << k
	return nil
}

func (d *Data) intField(k Key) *int64 {
	switch k {
	case BR:
		return &d.Bitrate
	case BL:
		return &d.BufferLength
	case D:
		return &d.Duration
	case DL:
		return &d.Deadline
	case MTP:
		return &d.MeasuredThroughput
	case RTP:
		return &d.RequestedThroughput
	case TB:
		return &d.TopBitrate
	}
	return &d.Version
}

func (d *Data) stringField(k Key) *string {
	switch k {
	case CID:
		return &d.ContentID
	case NOR:
		return &d.NextObject
	case NRR:
		return &d.NextRange
	case OT:
		return &d.ObjectType
	case SF:
		return &d.StreamingFormat
	case SID:
		return &d.SessionID
	}
	return &d.StreamType
}
