package edge

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Access-log formats (Config.AccessLogFormat, -access-log-format).
const (
	LogJSON       = "json"       // one JSON object per line (accessRecord)
	LogCloudFront = "cloudfront" // CloudFront's standard log: W3C header lines, tab-separated fields
)

// LogFormats are the accepted AccessLogFormat values.
var LogFormats = []string{LogJSON, LogCloudFront}

// CheckLogFormat reports an unknown access-log format.
func CheckLogFormat(f string) error {
	if f == "" || f == LogJSON || f == LogCloudFront {
		return nil
	}
	return fmt.Errorf("access-log format %q: want %s or %s", f, LogJSON, LogCloudFront)
}

// cloudFrontFields are CloudFront's standard log fields in their documented
// order (Developer Guide, "Standard logging reference", log file fields).
var cloudFrontFields = [...]string{
	"date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status",
	"cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id",
	"x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher",
	"x-edge-response-result-type", "cs-protocol-version", "fle-status", "fle-encrypted-fields", "c-port",
	"time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type", "sc-content-len", "sc-range-start",
	"sc-range-end",
}

// CloudFrontHeader is the W3C header a cloudfront-format log starts with
// (written by New, so each edge's run of lines is self-describing).
func CloudFrontHeader() string {
	return "#Version: 1.0\n#Fields: " + strings.Join(cloudFrontFields[:], " ") + "\n"
}

// viewer is what the cloudfront format reads from a request beyond the
// core's view. A front end copies it when the request starts: a fasthttp
// stream outlives the request's buffers.
type viewer struct {
	host, referer, userAgent, forwardedFor string
	tls                                    bool
	tlsVersion, tlsCipher                  uint16
	upgrade                                bool  // a WebSocket (ws/wss)
	headBytes                              int64 // cs-bytes: request line, headers and a declared body
}

// appendCloudFront appends x's standard-log line.
func (h *Handler) appendCloudFront(b []byte, x *exchange, ls *logState, status int, endAt time.Time) []byte {
	v := &ls.viewer
	hd := x.w.Header()
	end := endAt.UTC()
	final, response, detailed := cfResults(x, status)
	scStatus := strconv.Itoa(status)
	if x.clientLeft() && x.w.status == 0 {
		scStatus = "000" // CloudFront: the viewer closed the connection before the response
	}
	ttfb := ""
	if !ls.firstByte.IsZero() {
		ttfb = seconds(ls.firstByte.Sub(x.start))
	}
	host, port := splitRemote(x.r.RemoteAddr())
	rangeStart, rangeEnd := contentRange(hd.Get("Content-Range"), status)
	vals := [len(cloudFrontFields)]string{
		end.Format("2006-01-02"), end.Format("15:04:05"), h.cfg.EdgeLocation,
		strconv.FormatInt(x.w.bytes+headSize(hd, status), 10), host, x.r.Method(), v.host, x.r.EscapedPath(), scStatus,
		v.referer, v.userAgent, x.r.RawQuery(), "", // cs(Cookie): not logged, as CloudFront's default
		final, h.ids.next(), v.host, csProtocol(v), strconv.FormatInt(v.headBytes, 10), seconds(endAt.Sub(x.start)),
		v.forwardedFor, tlsVersionName(v), tlsCipherName(v),
		response, x.r.Proto(), "", "", // fle-status, fle-encrypted-fields: no field-level encryption
		port, ttfb, detailed, hd.Get("Content-Type"), hd.Get("Content-Length"), rangeStart, rangeEnd,
	}
	for i, s := range vals {
		if i > 0 {
			b = append(b, '\t')
		}
		b = appendCFValue(b, s)
	}
	return append(b, '\n')
}

// appendCFValue appends s as CloudFront writes a value: "-" when empty,
// URL-encoded otherwise (controls, space and bytes ≥ 0x7f, and
// " # % < > [ \ ] ^ ` { | } ~), so no value holds a tab or a newline.
func appendCFValue(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"#%<>[\\]^`{|}~", c) >= 0 {
			b = append(b, '%', hex[c>>4], hex[c&15])
			continue
		}
		b = append(b, c)
	}
	return b
}

// seconds is a duration as CloudFront logs time-taken: seconds to the
// thousandth.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(max(d, 0).Seconds(), 'f', 3, 64)
}

func splitRemote(addr string) (host, port string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, ""
	}
	return host, port
}

// headSize estimates the response head's bytes: the status line and the
// headers the edge set (not those the server library adds, e.g. Date).
func headSize(hd http.Header, status int) int64 {
	n := len("HTTP/1.1 000 ") + len(http.StatusText(status)) + 2 + 2
	for k, vs := range hd {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return int64(n)
}

// contentRange gives sc-range-start and sc-range-end of a 206.
func contentRange(cr string, status int) (string, string) {
	if status != http.StatusPartialContent {
		return "", ""
	}
	spec, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return "", ""
	}
	spec, _, _ = strings.Cut(spec, "/")
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return "", ""
	}
	return first, last
}

func csProtocol(v *viewer) string {
	switch {
	case v.upgrade && v.tls:
		return "wss"
	case v.upgrade:
		return "ws"
	case v.tls:
		return "https"
	}
	return "http"
}
