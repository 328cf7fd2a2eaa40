package edge

import (
	"fmt"
	"time"

	"github.com/streamedge/streamedge/cachekey"
)

// ErrorResponse is one custom error response (CloudFront's
// CustomErrorResponse). It belongs to the distribution, not to a behavior:
// Routes.WithErrors puts the set on a table, so a reload swaps both at once.
type ErrorResponse struct {
	// Status is the status replaced: the origin's 4xx/5xx, or the edge's own
	// 502/504 when the origin is unreachable or times out.
	Status int
	// PagePath is the page sent instead, fetched through the behavior its
	// path selects and cached like any object; "" sends the error itself
	// (only its caching changes).
	PagePath string
	// ResponseStatus is the status sent with the page (0: Status).
	ResponseStatus int
	// MinTTL is the error caching minimum TTL: how long the edge keeps the
	// error before asking the origin again, longer when the origin's headers
	// say so (freshness.ErrorCaching); with 0 only they keep it.
	MinTTL time.Duration
}

// errorResponses are a table's custom error responses by status.
type errorResponses map[int]ErrorResponse

// WithErrors returns a copy of the table that answers with the custom error
// responses ers (nil keeps none). The routes are shared, not copied.
func (rs *Routes) WithErrors(ers ...ErrorResponse) (*Routes, error) {
	m := make(errorResponses, len(ers))
	for _, er := range ers {
		if err := er.check(); err != nil {
			return nil, err
		}
		if _, dup := m[er.Status]; dup {
			return nil, fmt.Errorf("edge: two custom error responses for %d", er.Status)
		}
		if er.ResponseStatus == 0 {
			er.ResponseStatus = er.Status
		}
		m[er.Status] = er
	}
	c := *rs
	c.errors = m
	return &c, nil
}

func (er ErrorResponse) check() error {
	switch {
	case er.Status < 400 || er.Status > 599:
		return fmt.Errorf("edge: custom error response for %d: want a 4xx or 5xx status", er.Status)
	case er.ResponseStatus != 0 && (er.ResponseStatus < 200 || er.ResponseStatus > 599):
		return fmt.Errorf("edge: custom error response for %d: response status %d", er.Status, er.ResponseStatus)
	case er.MinTTL < 0:
		return fmt.Errorf("edge: custom error response for %d: negative error caching TTL", er.Status)
	case er.PagePath == "":
		return nil
	}
	if _, err := cachekey.Path(er.PagePath); err != nil || er.PagePath[0] != '/' {
		return fmt.Errorf("edge: custom error response for %d: page path %q: want an absolute path", er.Status, er.PagePath)
	}
	return nil
}

// ErrorResponses lists the table's custom error responses (for logs and
// tests), in no particular order.
func (rs *Routes) ErrorResponses() []ErrorResponse {
	out := make([]ErrorResponse, 0, len(rs.errors))
	for _, er := range rs.errors {
		out = append(out, er)
	}
	return out
}
