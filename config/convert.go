package config

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/streamedge/streamedge/origin"
)

// The conversions below hand a loaded file's origins to package origin;
// the edge wiring (next) builds its clients with them.

// ClientConfig is an HTTP(S) origin as origin.New takes it.
func (o *Origin) ClientConfig() (origin.Config, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return origin.Config{}, fmt.Errorf("origin URL: %w", err)
	}
	var h http.Header
	if len(o.AddHeaders) > 0 {
		h = http.Header{}
		for k, v := range o.AddHeaders {
			h.Set(k, v)
		}
	}
	c := o.Connection.clientConfig()
	c.URL, c.AddHeaders, c.InsecureSkipVerify = u, h, o.InsecureSkipVerify
	return c, nil
}

// ClientConfig is an S3 origin as origin.NewS3 takes it.
func (s *S3Origin) ClientConfig() (origin.S3Config, error) {
	ep, err := url.Parse(s.Endpoint)
	if err != nil {
		return origin.S3Config{}, fmt.Errorf("S3 endpoint: %w", err)
	}
	return origin.S3Config{Bucket: s.Bucket, Region: s.Region, Endpoint: ep, PathStyle: s.URLStyle == "path",
		AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken,
		Conn: s.Connection.clientConfig()}, nil
}

func (c Connection) clientConfig() origin.Config {
	return origin.Config{DialTimeout: c.DialTimeout.D(), ResponseHeaderTimeout: c.ResponseHeaderTimeout.D(), Timeout: c.Timeout.D(),
		MaxIdleConns: int(c.MaxIdleConns), MaxConns: int(c.MaxConns), MaxFills: int(c.MaxFills)}
}

// Statuses are the group's failover statuses as ints.
func (g *OriginGroup) Statuses() []int {
	out := make([]int, len(g.FailoverStatuses))
	for i, s := range g.FailoverStatuses {
		out[i] = int(s)
	}
	return out
}
