package cachekey

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/streamedge/streamedge/failure"
)

// ErrHeadersTooLarge: a keyed header or cookie value over MaxValueLen, more
// than MaxParams cookies to key or forward, or more than MaxForward bytes of
// them for the origin. Package failure maps it to 431.
var ErrHeadersTooLarge = failure.ErrHeadersTooLarge

// Header is a request's header fields as the edge reads them.
type Header interface {
	Get(name string) string
	Values(name string) []string
}

// Request is what one viewer request contributes to the cache and to the
// fill it may start.
type Request struct {
	// Key is the store key: the normalised path and keyed query, then one
	// "\x00h:name=value" per keyed header (names lower-cased and sorted) and
	// one "\x00c:name=value" per keyed cookie (sorted by name). A key without
	// headers or cookies is its target, as in flag mode.
	Key string
	// Target is path?query for the origin: the key's query parameters plus
	// those the origin request policy names, sorted as in the key.
	Target string
	// Header holds the viewer headers a fill sends: the keyed ones (as the
	// key holds them), those the origin request policy names, and one Cookie
	// line of the keyed and forwarded cookies. Nil when none.
	Header http.Header
	// Headers and Cookies count the key's header and cookie items.
	Headers, Cookies int
}

// compilePolicies sets the cache and origin request policies of cfg.
func (b *Builder) compilePolicies(cfg Config) {
	b.query = compile(cfg.QueryStrings, false)
	b.headers = canonicalHeaders(cfg.Headers)
	for _, n := range b.headers {
		b.headerKeys = append(b.headerKeys, http.CanonicalHeaderKey(n))
	}
	b.cookies = compile(cfg.Cookies, false)
	o := cfg.Origin
	b.origin.query, b.origin.cookies = compile(o.QueryStrings, false), compile(o.Cookies, false)
	b.origin.headers = compile(o.Headers, true)
	if o.Headers.Behavior == Whitelist {
		b.originHdrs = canonicalHeaders(o.Headers.Names)
	}
	b.plain = len(b.headers) == 0 && !b.cookies.any() && !b.origin.query.any() &&
		!b.origin.headers.any() && !b.origin.cookies.any()
}

// Request builds the key of a request and what its fill sends the origin.
// Without header, cookie or origin request items it is FromTarget, and as
// cheap: a clean path without a query allocates nothing.
func (b *Builder) Request(escapedPath, rawQuery string, h Header) (Request, error) {
	if b.plain {
		k, err := b.FromTarget(escapedPath, rawQuery)
		return Request{Key: k, Target: k}, err
	}
	if len(escapedPath)+len(rawQuery) > 4*b.maxLen {
		return Request{}, ErrTooLong
	}
	path, err := normalizePath(escapedPath)
	if err != nil {
		return Request{}, err
	}
	key, target, err := b.target(path, rawQuery, true)
	if err != nil {
		return Request{}, err
	}
	f := forward{max: b.maxForward}
	r := Request{Key: key, Target: target}
	var sb strings.Builder // the header and cookie items, after key
	if r.Headers, err = b.keyHeaders(&sb, h, &f); err != nil {
		return Request{}, err
	}
	if err := b.originHeaders(h, &f); err != nil {
		return Request{}, err
	}
	if r.Cookies, err = b.keyCookies(&sb, h, &f); err != nil {
		return Request{}, err
	}
	r.Header = f.h
	if sb.Len() == 0 {
		return r, nil // nothing keyed present: nothing allocated
	}
	if n := len(key) + sb.Len(); n > b.maxLen {
		return Request{}, fmt.Errorf("%w: cache key of %d bytes", ErrHeadersTooLarge, n)
	}
	r.Key += sb.String()
	return r, nil
}

// forward collects the headers a fill sends, within max bytes.
type forward struct {
	h   http.Header
	n   int
	max int
}

func (f *forward) add(name, value string) error {
	if f.n += len(name) + len(value) + 4; f.n > f.max {
		return fmt.Errorf("%w: more than %d bytes of headers for the origin", ErrHeadersTooLarge, f.max)
	}
	if f.h == nil {
		f.h = http.Header{}
	}
	k := http.CanonicalHeaderKey(name)
	f.h[k] = append(f.h[k], value)
	return nil
}

// keyHeaders appends the keyed headers, each value normalised (see
// headerValue), and forwards them as keyed.
func (b *Builder) keyHeaders(sb *strings.Builder, h Header, f *forward) (n int, err error) {
	for i, name := range b.headers {
		vs := h.Values(b.headerKeys[i]) // canonical: http.Header looks it up without allocating
		if len(vs) == 0 {
			continue // absent is its own variant, apart from empty
		}
		v, err := headerValue(vs, b.maxValue)
		if err != nil {
			return 0, err
		}
		sb.WriteString("\x00h:" + name + "=" + v)
		if err := f.add(name, v); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// originHeaders forwards the headers the origin request policy names that
// the key does not hold, as the viewer sent them (one field per line).
func (b *Builder) originHeaders(h Header, f *forward) error {
	var names []string
	switch b.origin.headers.behavior {
	case Whitelist:
		names = b.originHdrs
	case AllViewer, AllExcept:
		names = headerNames(h)
		sort.Strings(names) // one order whatever the front end's
	default:
		return nil
	}
	for i, name := range names {
		if edgeHeader(name) || !b.origin.headers.has(name) || b.keyed(name) || i > 0 && names[i-1] == name {
			continue
		}
		for _, v := range h.Values(name) {
			if !fieldValue(v) {
				continue // not forwardable as it is; never rewritten
			}
			if err := f.add(name, strings.Clone(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyed reports a header the key holds.
func (b *Builder) keyed(name string) bool {
	i := sort.SearchStrings(b.headers, name)
	return i < len(b.headers) && b.headers[i] == name
}

// headerValue normalises a header's lines into one value: each trimmed of
// spaces and tabs, inner runs of them made one space, joined by ",". A
// control character is refused (400), a value over max is 431.
func headerValue(lines []string, max int) (string, error) {
	var sb strings.Builder
	for i, line := range lines {
		if i > 0 {
			sb.WriteByte(',')
		}
		space := false
		for _, c := range []byte(strings.Trim(line, " \t")) {
			switch {
			case c == ' ' || c == '\t':
				space = true
				continue
			case c < 0x20 || c == 0x7f:
				return "", fmt.Errorf("%w: control character in a keyed header", ErrBadRequest)
			}
			if space {
				sb.WriteByte(' ')
				space = false
			}
			sb.WriteByte(c)
		}
		if sb.Len() > max {
			return "", fmt.Errorf("%w: keyed header value over %d bytes", ErrHeadersTooLarge, max)
		}
	}
	return sb.String(), nil
}

// keyCookies appends the keyed cookies (sorted by name, stably) and sends
// the keyed and forwarded ones in one Cookie line, sorted the same way.
func (b *Builder) keyCookies(sb *strings.Builder, h Header, f *forward) (int, error) {
	if !b.cookies.any() && !b.origin.cookies.any() {
		return 0, nil
	}
	var keyed, sent []string
	var err error
	n := 0
	eachCookie(h.Values("Cookie"), func(name, value string) bool {
		inKey := b.cookies.has(name) && !b.noCookies[name]
		if !inKey && (b.noCookies[name] || !b.origin.cookies.has(name)) {
			return true
		}
		switch {
		case inKey && len(value) > b.maxValue:
			err = fmt.Errorf("%w: keyed cookie value over %d bytes", ErrHeadersTooLarge, b.maxValue)
		case len(sent) == b.maxParams:
			err = fmt.Errorf("%w: more than %d cookies to key or forward", ErrHeadersTooLarge, b.maxParams)
		case n+len(name)+len(value)+2 > b.maxForward:
			err = fmt.Errorf("%w: more than %d bytes of cookies for the origin", ErrHeadersTooLarge, b.maxForward)
		}
		n += len(name) + len(value) + 2
		if err != nil {
			return false
		}
		pair := name + "=" + value // a copy: the view's strings may not outlive the request
		if inKey {
			keyed = append(keyed, pair)
		}
		sent = append(sent, pair)
		return true
	})
	if err != nil {
		return 0, err
	}
	sortParams(keyed)
	for _, c := range keyed {
		sb.WriteString("\x00c:" + c)
	}
	if len(sent) == 0 {
		return 0, nil
	}
	sortParams(sent)
	return len(keyed), f.add("Cookie", strings.Join(sent, "; "))
}
