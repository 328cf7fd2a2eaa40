package manifest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zencoder/go-dash/v3/mpd"
)

// errNotMPD marks a document whose root element is not MPD.
var errNotMPD = errors.New("root element is not MPD")

// mpdRoot is the part of an MPD the policy needs.
type mpdRoot struct {
	Type                *string    `xml:"type,attr"`
	MinimumUpdatePeriod *string    `xml:"minimumUpdatePeriod,attr"`
	PublishTime         *string    `xml:"publishTime,attr"`
	Periods             []struct{} `xml:"Period"`
}

func parseDASH(body []byte) (Info, error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	if !bytes.Contains(body, []byte("<MPD")) {
		return Info{}, invalidf("dash: no <MPD element")
	}
	root, err := decodeMPD(body)
	if err != nil {
		return Info{}, invalidf("dash: %w", err)
	}
	if len(root.Periods) == 0 {
		return Info{}, invalidf("dash: MPD has no Period")
	}
	info, err := classifyMPD(root)
	if err == nil && info.Live {
		info.NewestSegmentEnd = newestSegmentEnd(body)
	}
	return info, err
}

func classifyMPD(root mpdRoot) (Info, error) {
	info := Info{Format: DASH}
	typ := "static"
	if root.Type != nil {
		typ = strings.TrimSpace(*root.Type)
	}
	switch typ {
	case "static":
		return info, nil
	case "dynamic":
		info.Live = true
	default:
		return Info{}, invalidf("dash: MPD@type %q", typ)
	}
	if root.MinimumUpdatePeriod != nil {
		mup, err := parseXSDuration(*root.MinimumUpdatePeriod)
		if err != nil {
			return Info{}, invalidf("dash: MPD@minimumUpdatePeriod: %w", err)
		}
		info.MinimumUpdatePeriod = mup
	}
	if root.PublishTime != nil {
		info.PublishTime = parseXSDateTime(*root.PublishTime)
	}
	return info, nil
}

// parseXSDateTime parses an xs:dateTime such as 2024-05-01T10:00:00Z,
// 2024-05-01T10:00:00.250+02:00 or 2024-05-01T10:00:00 (no zone: UTC), and
// returns it in UTC. Anything else gives the zero time: publishTime only
// orders refreshes, so an unparsable one disables that check instead of
// refusing an MPD players accept.
func parseXSDateTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil && validPublishTime(t.UTC()) {
			return t.UTC()
		}
	}
	return time.Time{}
}

// decodeMPD decodes body into go-dash's mpd.MPD. When go-dash refuses a
// well-formed MPD because of one of its attribute types, the minimal mpdRoot
// decode decides instead.
func decodeMPD(body []byte) (mpdRoot, error) {
	var m mpd.MPD
	err := decodeRoot(body, &m)
	if err == nil {
		return mpdRoot{m.Type, m.MinimumUpdatePeriod, m.PublishTime, make([]struct{}, len(m.Periods))}, nil
	}
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) || errors.Is(err, errNotMPD) || errors.Is(err, io.EOF) {
		return mpdRoot{}, err
	}
	var root mpdRoot
	if err := decodeRoot(body, &root); err != nil {
		return mpdRoot{}, err
	}
	return root, nil
}

// decodeRoot decodes the document's root element into v, requiring it to be
// MPD with nothing but markup and white space before it.
func decodeRoot(body []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "MPD" {
				return fmt.Errorf("%w: <%s>", errNotMPD, t.Name.Local)
			}
			return d.DecodeElement(v, &t)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w: text before the root element", errNotMPD)
			}
		}
	}
}
