package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// validator collects every semantic problem with its place in the document.
type validator struct {
	f     *File
	dir   string // the file's directory (pem_file paths are relative to it)
	probs []problem
}

type problem struct {
	at     path
	reason string
}

func (v *validator) add(at path, format string, args ...any) {
	v.probs = append(v.probs, problem{at: at, reason: fmt.Sprintf(format, args...)})
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (v *validator) file() {
	v.names()
	for _, name := range sortedKeys(v.f.Origins) {
		v.origin(path{"origins", name}, v.f.Origins[name])
	}
	for _, name := range sortedKeys(v.f.S3Origins) {
		v.s3(path{"s3_origins", name}, v.f.S3Origins[name])
	}
	for _, name := range sortedKeys(v.f.OriginGroups) {
		v.group(path{"origin_groups", name}, v.f.OriginGroups[name])
	}
	v.publicKeys()
	v.keyGroups()
	v.behaviors()
	v.errorResponses()
	v.invalidation()
	v.fleet()
	v.peering()
	for _, name := range sortedKeys(v.f.ResponseHeadersPolicies) {
		v.headersPolicy(path{"response_headers_policies", name}, v.f.ResponseHeadersPolicies[name])
	}
}

// names: valid, and one namespace for origins, S3 origins and groups.
func (v *validator) names() {
	seen := map[string]string{}
	check := func(section string, names []string) {
		for _, n := range names {
			at := path{section, n}
			if !validName.MatchString(n) {
				v.add(at, "name %q: want 1-64 characters A-Z a-z 0-9 . _ - starting with a letter or digit", n)
			}
			if prev, dup := seen[n]; dup {
				v.add(at, "name %q is already used in %s (origins, S3 origins and groups share names)", n, prev)
			}
			seen[n] = section
		}
	}
	check("origins", sortedKeys(v.f.Origins))
	check("s3_origins", sortedKeys(v.f.S3Origins))
	check("origin_groups", sortedKeys(v.f.OriginGroups))
}

func (v *validator) origin(at path, o *Origin) {
	if o == nil {
		v.add(at, "empty origin: url is required")
		return
	}
	v.httpURL(at.key("url"), o.URL, true)
	v.connection(at, o.Connection)
	for _, name := range sortedKeys(o.AddHeaders) {
		hat := at.key("add_headers").key(name)
		switch {
		case !validHeaderName(name):
			v.add(hat, "%q is not a valid header name", name)
		case reservedHeader(name):
			v.add(hat, "%s is set by the edge and cannot be added", name)
		case !validHeaderValue(o.AddHeaders[name]):
			v.add(hat, "header value holds a control character")
		}
	}
}

// httpURL checks an http(s) URL with a host and no query, fragment or
// user info; withPath allows a base path.
func (v *validator) httpURL(at path, raw string, withPath bool) {
	if raw == "" {
		v.add(at, "required: an http:// or https:// URL")
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		v.add(at, "%q is not a URL: %v", raw, errorsCause(err))
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(at, "%q: want an http:// or https:// URL", raw)
	case u.Host == "" || u.Hostname() == "":
		v.add(at, "%q has no host", raw)
	case u.User != nil, u.RawQuery != "", u.Fragment != "", u.ForceQuery:
		v.add(at, "%q: no user info, query or fragment allowed", raw)
	case !withPath && strings.Trim(u.Path, "/") != "":
		v.add(at, "%q: no path allowed", raw)
	}
}

func (v *validator) connection(at path, c Connection) {
	if c.MaxConns > 0 && c.MaxIdleConns > c.MaxConns {
		v.add(at.key("max_idle_conns"), "max_idle_conns (%d) exceeds max_conns (%d)", c.MaxIdleConns, c.MaxConns)
	}
	if c.ResponseHeaderTimeout > c.Timeout {
		v.add(at.key("response_header_timeout"), "response_header_timeout (%s) exceeds timeout (%s), which bounds it", c.ResponseHeaderTimeout.D(), c.Timeout.D())
	}
}

var (
	region       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	dnsBucket    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	legacyBucket = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)
)

func (v *validator) s3(at path, s *S3Origin) {
	if s == nil {
		v.add(at, "empty S3 origin: bucket and region are required")
		return
	}
	switch s.URLStyle {
	case "virtual-hosted":
		if !dnsBucket.MatchString(s.Bucket) || strings.Contains(s.Bucket, "..") {
			v.add(at.key("bucket"), "bucket %q is not a DNS-compatible name (3-63 lowercase letters, digits, . and -), which virtual-hosted style needs", s.Bucket)
		}
	case "path":
		if !legacyBucket.MatchString(s.Bucket) {
			v.add(at.key("bucket"), "bucket %q: want 1-255 characters A-Z a-z 0-9 . _ -", s.Bucket)
		}
	default:
		v.add(at.key("url_style"), "%q: want virtual-hosted or path", s.URLStyle)
	}
	if !region.MatchString(s.Region) {
		v.add(at.key("region"), "required: an AWS region such as us-east-1, got %q", s.Region)
	}
	if s.Region != "" {
		v.httpURL(at.key("endpoint"), s.Endpoint, false)
	}
	if (s.AccessKeyID == "") != (s.SecretAccessKey == "") {
		v.add(at, "access_key_id and secret_access_key go together (leave both out for the AWS credential chain)")
	}
	if s.SessionToken != "" && s.AccessKeyID == "" {
		v.add(at.key("session_token"), "session_token needs access_key_id and secret_access_key")
	}
	v.connection(at, s.Connection)
}

// groupStatuses are the statuses CloudFront fails over on.
var groupStatuses = []Status{400, 403, 404, 416, 500, 502, 503, 504}

func (v *validator) group(at path, g *OriginGroup) {
	if g == nil {
		v.add(at, "empty origin group: primary and secondary are required")
		return
	}
	for _, m := range []struct{ key, name string }{{"primary", g.Primary}, {"secondary", g.Secondary}} {
		switch {
		case m.name == "":
			v.add(at.key(m.key), "required: the name of an origin or S3 origin")
		case v.f.OriginGroups[m.name] != nil:
			v.add(at.key(m.key), "%q is an origin group; a group's members are origins", m.name)
		case v.f.Origins[m.name] == nil && v.f.S3Origins[m.name] == nil:
			v.add(at.key(m.key), "unknown origin %q (known: %s)", m.name, v.known(false))
		}
	}
	if g.Primary != "" && g.Primary == g.Secondary {
		v.add(at.key("secondary"), "the secondary must differ from the primary")
	}
	if len(g.FailoverStatuses) == 0 {
		v.add(at.key("failover_statuses"), "at least one status (default [500, 502, 503, 504])")
	}
	seen := map[Status]bool{}
	for i, s := range g.FailoverStatuses {
		switch {
		case !slices.Contains(groupStatuses, s):
			v.add(at.key("failover_statuses").idx(i), "%d: CloudFront fails over on 400, 403, 404, 416, 500, 502, 503 or 504", s)
		case seen[s]:
			v.add(at.key("failover_statuses").idx(i), "%d is listed twice", s)
		}
		seen[s] = true
	}
}

// known lists the names a behavior (groups too) or a group member may use.
func (v *validator) known(groups bool) string {
	names := append(sortedKeys(v.f.Origins), sortedKeys(v.f.S3Origins)...)
	if groups {
		names = append(names, sortedKeys(v.f.OriginGroups)...)
	}
	if len(names) == 0 {
		return "none defined"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func errorsCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
