package rewrite

import (
	"net/url"
	"strings"
)

// Origin is one origin as its manifests name it: Host (host or host:port)
// and Base, the escaped path the edge puts before every viewer path when it
// asks that origin ("" or "/" for none; "/bucket" for a path-style S3
// bucket; an HTTP origin URL's base path).
type Origin struct {
	Host string
	Base string
}

// OriginRelative is EdgeRelative for origins with a base path: an absolute
// URI on one of the origins' hosts whose path lies under that origin's Base
// becomes the path a viewer asks the edge for (Base removed), so
// http://origin/base/v/1.ts → /v/1.ts when the edge maps /v/1.ts to
// http://origin/base/v/1.ts. A URI on the host but outside the base path
// cannot be reached through the edge and is left alone. The first origin
// whose host and base match wins.
func OriginRelative(origins ...Origin) Mapper {
	type entry struct {
		base string
		set  map[string]bool
	}
	entries := make([]entry, 0, len(origins))
	for _, o := range origins {
		entries = append(entries, entry{base: strings.TrimSuffix(o.Base, "/"), set: hostSet([]string{o.Host})})
	}
	return func(uri string) (string, bool) {
		for _, e := range entries {
			rest, ok := onHosts(uri, e.set)
			if !ok {
				continue
			}
			if rest == "" || rest[0] != '/' {
				rest = "/" + rest
			}
			if e.base == "" {
				return rest, true
			}
			tail, ok := strings.CutPrefix(rest, e.base)
			if !ok || tail == "" || tail[0] != '/' {
				continue // outside the base path (or the bare base): not an edge path
			}
			return tail, true
		}
		return uri, false
	}
}

// OriginAt is the Origin of an origin's URL (scheme://host[:port][/base]):
// its host, a scheme's default port left out as URIs usually do (a URI
// with the port still matches), and its escaped path as Base.
func OriginAt(u *url.URL) Origin {
	host := u.Host
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	return Origin{Host: host, Base: u.EscapedPath()}
}
