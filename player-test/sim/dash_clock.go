package sim

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// UTCTiming schemes the simulator understands.
var (
	utcHTTPSchemes = map[string]bool{
		"urn:mpeg:dash:utc:http-xsdate:2014": true, "urn:mpeg:dash:utc:http-iso:2014": true,
		"urn:mpeg:dash:utc:http-xsdate:2012": true, "urn:mpeg:dash:utc:http-iso:2012": true,
	}
	utcDirectSchemes = map[string]bool{
		"urn:mpeg:dash:utc:direct:2014": true, "urn:mpeg:dash:utc:direct:2012": true,
	}
)

// clockOffset estimates server clock − local clock from the first usable
// UTCTiming descriptor (http-xsdate/http-iso: GET and parse the body,
// assuming symmetric delay; direct: the value itself). With none it
// returns 0 and no error.
func (d *dashPlayer) clockOffset(ctx context.Context, doc *url.URL, timings []Descriptor) (time.Duration, error) {
	for _, t := range timings {
		switch {
		case utcHTTPSchemes[t.Scheme]:
			return d.httpClockOffset(ctx, doc, t.Value)
		case utcDirectSchemes[t.Scheme]:
			server, err := ParseXSDateTime(t.Value)
			if err != nil {
				return 0, fmt.Errorf("UTCTiming direct: %w", err)
			}
			return time.Until(server), nil
		}
	}
	return 0, nil
}

func (d *dashPlayer) httpClockOffset(ctx context.Context, doc *url.URL, value string) (time.Duration, error) {
	fields := strings.Fields(value)
	if len(fields) == 0 {
		return 0, errors.New("UTCTiming: empty value")
	}
	u, err := doc.Parse(fields[0])
	if err != nil {
		return 0, fmt.Errorf("UTCTiming URL: %w", err)
	}
	start := time.Now()
	r, err := d.f.fetch(ctx, u, ReqOther, nil, true)
	if err != nil {
		return 0, err
	}
	server, err := ParseXSDateTime(string(r.body))
	if err != nil {
		return 0, d.f.parseFail(u, err)
	}
	mid := start.Add(r.total / 2)
	return server.Sub(mid), nil
}
