package config

import (
	"slices"
	"strings"

	"github.com/streamedge/streamedge/behavior"
	"github.com/streamedge/streamedge/cachekey"
)

// CloudFront's three allowed-method sets.
var methodSets = [][]string{
	{"GET", "HEAD"},
	{"GET", "HEAD", "OPTIONS"},
	{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"},
}

var viewerProtocols = []string{"allow-all", "redirect-to-https", "https-only"}

func (v *validator) behaviors() {
	seen := map[string]int{}
	for i, b := range v.f.Behaviors {
		at := path{"behaviors", i}
		if b == nil {
			v.add(at, "empty behavior: path and origin are required")
			continue
		}
		switch _, err := behavior.Compile(b.Path); {
		case b.Path == "":
			v.add(at.key("path"), "required: a path pattern such as *.m3u8 or /vod/*")
		case err != nil:
			v.add(at.key("path"), "%v", err)
		case b.Path == "*":
			v.add(at.key("path"), "* is the default behavior's pattern; put it in default_behavior")
		default:
			norm := "/" + strings.TrimPrefix(b.Path, "/")
			if j, dup := seen[norm]; dup {
				v.add(at.key("path"), "pattern %q is already behaviors[%d]'s", b.Path, j)
			}
			seen[norm] = i
		}
		v.settings(at, &b.BehaviorSettings)
	}
	if v.f.DefaultBehavior == nil {
		v.add(path{"default_behavior"}, "required: the behavior for paths no other behavior matches (at least its origin)")
		return
	}
	v.settings(path{"default_behavior"}, v.f.DefaultBehavior)
}

func (v *validator) settings(at path, s *BehaviorSettings) {
	switch {
	case s.Origin == "":
		v.add(at.key("origin"), "required: an origin, S3 origin or origin group")
	case v.f.Origins[s.Origin] == nil && v.f.S3Origins[s.Origin] == nil && v.f.OriginGroups[s.Origin] == nil:
		v.add(at.key("origin"), "unknown origin %q (known: %s)", s.Origin, v.known(true))
	}
	v.methods(at.key("allowed_methods"), s.AllowedMethods)
	if len(s.AllowedMethods) > 3 && v.reachesS3(s.Origin) {
		v.add(at.key("allowed_methods"), "%q reaches an S3 origin, which serves [GET, HEAD] or [GET, HEAD, OPTIONS] (the edge signs fills, not uploads)", s.Origin)
	}
	v.cachePolicy(at.key("cache_policy"), &s.CachePolicy)
	v.originRequest(at.key("origin_request"), &s.OriginRequest)
	if p := s.Media.Prefetch; p != nil && *p > MaxPrefetch {
		v.add(at.key("media").key("prefetch"), "%d: at most %d segments", *p, MaxPrefetch)
	}
	v.rewrite(at.key("media").key("rewrite"), s.Media.Rewrite)
	if !slices.Contains(viewerProtocols, s.ViewerProtocol) {
		v.add(at.key("viewer_protocol"), "%q: want allow-all, redirect-to-https or https-only", s.ViewerProtocol)
	}
	v.signing(at, s)
	if p := s.ResponseHeadersPolicy; p != "" && v.f.ResponseHeadersPolicies[p] == nil {
		v.add(at.key("response_headers_policy"), "unknown response headers policy %q (known: %s)", p, orNone(sortedKeys(v.f.ResponseHeadersPolicies)))
	}
}

// reachesS3: the name is an S3 origin or a group with one.
func (v *validator) reachesS3(name string) bool {
	if g := v.f.OriginGroups[name]; g != nil {
		return v.f.S3Origins[g.Primary] != nil || v.f.S3Origins[g.Secondary] != nil
	}
	return v.f.S3Origins[name] != nil
}

func (v *validator) methods(at path, ms []string) {
	got := slices.Clone(ms)
	for i := range got {
		got[i] = strings.ToUpper(got[i])
	}
	slices.Sort(got)
	for _, set := range methodSets {
		want := slices.Clone(set)
		slices.Sort(want)
		if slices.Equal(got, want) {
			return
		}
	}
	v.add(at, "[%s]: want one of CloudFront's sets [GET, HEAD], [GET, HEAD, OPTIONS] or [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]", strings.Join(ms, ", "))
}

func (v *validator) cachePolicy(at path, p *CachePolicy) {
	t := p.TTLs()
	if t.Min > t.Default || t.Default > t.Max {
		v.add(at, "TTLs must satisfy min_ttl ≤ default_ttl ≤ max_ttl, got %s ≤ %s ≤ %s", t.Min, t.Default, t.Max)
	}
	v.keyItems(at.key("query_strings"), p.QueryStrings, []string{"none", "whitelist", "allExcept", "all"}, false)
	v.keyItems(at.key("headers"), p.Headers, []string{"none", "whitelist"}, true)
	v.keyItems(at.key("cookies"), p.Cookies, []string{"none", "whitelist", "allExcept", "all"}, false)
}

func (v *validator) originRequest(at path, o *OriginRequest) {
	v.keyItems(at.key("query_strings"), o.QueryStrings, []string{"none", "whitelist", "allExcept", "all"}, false)
	v.keyItems(at.key("headers"), o.Headers, []string{"none", "whitelist", "allViewer", "allViewerAndWhitelistCloudFront", "allExcept"}, true)
	v.keyItems(at.key("cookies"), o.Cookies, []string{"none", "whitelist", "allExcept", "all"}, false)
}

// keyItems: a known behavior; names exactly when the behavior lists some.
func (v *validator) keyItems(at path, k KeyItems, behaviors []string, headers bool) {
	if !slices.Contains(behaviors, k.Behavior) {
		v.add(at.key("behavior"), "%q: want %s", k.Behavior, strings.Join(behaviors, ", "))
		return
	}
	listed := k.Behavior == "whitelist" || k.Behavior == "allExcept" || k.Behavior == "allViewerAndWhitelistCloudFront"
	switch {
	case listed && len(k.Names) == 0:
		v.add(at.key("names"), "%s needs names", k.Behavior)
	case !listed && len(k.Names) > 0:
		v.add(at.key("names"), "behavior %s takes no names", k.Behavior)
	}
	if len(k.Names) > MaxKeyNames {
		v.add(at.key("names"), "%d names: at most %d", len(k.Names), MaxKeyNames)
	}
	seen := map[string]bool{}
	for i, n := range k.Names {
		folded := n
		if headers {
			folded = strings.ToLower(n)
		}
		switch {
		case n == "" || (headers && !validHeaderName(n)) || strings.ContainsAny(n, "&=#"):
			v.add(at.key("names").idx(i), "%q is not a valid name", n)
		case seen[folded]:
			v.add(at.key("names").idx(i), "%q is listed twice", n)
		case headers && k.Behavior != "allExcept" && (strings.EqualFold(n, "Accept-Encoding") || strings.EqualFold(n, "Origin")):
			v.add(at.key("names").idx(i), "%q: the edge keys and sends it itself, as the origin's Vary asks", n)
		case headers && k.Behavior != "allExcept" && cachekey.EdgeHeader(n):
			v.add(at.key("names").idx(i), "%q: the edge sets or drops this header itself; it cannot be keyed or forwarded", n)
		}
		seen[folded] = true
	}
}

// MaxKeyNames bounds each names list of a cache or origin request policy
// (CloudFront's quota is 10 by default).
const MaxKeyNames = 64

// CloudFront's custom error response codes.
var (
	errorCodes    = []Status{400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504}
	responseCodes = append([]Status{200}, errorCodes...)
)

func (v *validator) errorResponses() {
	seen := map[Status]int{}
	for i, e := range v.f.CustomErrorResponses {
		at := path{"custom_error_responses", i}
		if e == nil {
			v.add(at, "empty error response: status is required")
			continue
		}
		switch j, dup := seen[e.Status]; {
		case e.Status == 0:
			v.add(at.key("status"), "required: the origin status this response replaces")
		case !slices.Contains(errorCodes, e.Status):
			v.add(at.key("status"), "%d: CloudFront customizes 400, 403, 404, 405, 414, 416, 500, 501, 502, 503 and 504", e.Status)
		case dup:
			v.add(at.key("status"), "%d already has custom_error_responses[%d]", e.Status, j)
		}
		seen[e.Status] = i
		switch {
		case e.PagePath != "" && (!strings.HasPrefix(e.PagePath, "/") || !validHeaderValue(e.PagePath) || strings.ContainsAny(e.PagePath, " ?#")):
			v.add(at.key("page_path"), "%q: want a path starting with / (no query)", e.PagePath)
		case e.PagePath != "" && e.ResponseStatus == 0:
			v.add(at.key("page_path"), "page_path needs response_status (the status sent with the page)")
		case e.PagePath == "" && e.ResponseStatus != 0:
			v.add(at.key("response_status"), "response_status needs page_path")
		case e.ResponseStatus != 0 && !slices.Contains(responseCodes, e.ResponseStatus):
			v.add(at.key("response_status"), "%d: want 200 or one of the error codes", e.ResponseStatus)
		}
	}
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none defined"
	}
	return strings.Join(names, ", ")
}
