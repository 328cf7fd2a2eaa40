package edge

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"sync/atomic"
)

// cfResults maps the edge's cache result to CloudFront's
// x-edge-result-type (final), x-edge-response-result-type (before the
// response was sent) and x-edge-detailed-result-type. A response the
// client or a failed fill cut short is an Error whatever it was about to be
// (CloudFront: "a viewer abort mid-segment is Error while the response
// result is Hit").
func cfResults(x *exchange, status int) (final, response, detailed string) {
	response = cfResponseResult(x.result, x.failure, status)
	if x.errorPage != 0 {
		response = "Error" // a custom error page answers an error, as X-Cache says, whatever its status
	}
	final, detailed = response, response
	switch {
	case x.aborted:
		final, detailed = "Error", "AbortedOrigin"
	case x.clientLeft():
		final, detailed = "Error", "ClientCommError"
	case response == "Error":
		detailed = cfErrorDetail(x.failure)
	}
	return final, response, detailed
}

func cfResponseResult(result, failureLabel string, status int) string {
	switch {
	case failureLabel == "busy" || failureLabel == "fill_budget":
		return "CapacityExceeded" // the edge's fill limits: 503 + Retry-After
	case status >= http.StatusBadRequest || result == resultError:
		return "Error" // CloudFront logs any 4xx/5xx response as Error, cached or not
	}
	switch result {
	case resultHit, resultCoalesced, resultStale:
		return "Hit" // served from the cache (a stale copy included), as X-Cache says
	case resultRefreshHit:
		return "RefreshHit" // expired, revalidated with the origin (304), served from the cache
	}
	return "Miss" // miss, pass-through
}

// cfErrorDetail names an error the edge answered itself by CloudFront's
// detailed result types; an origin's own error status passed on is "Error".
func cfErrorDetail(failureLabel string) string {
	switch failureLabel {
	case "":
		return "Error"
	case "timeout":
		return "OriginCommError"
	case "unreachable":
		return "OriginConnectError"
	case "short_body":
		return "OriginReadError"
	case "uri", "bad_target", "framing", "headers":
		return "InvalidRequest"
	case "method":
		return "InvalidRequestMethod"
	}
	return "OriginError" // too_big, invalid_manifest, undecodable, protocol, error
}

func tlsVersionName(v *viewer) string {
	if !v.tls {
		return ""
	}
	switch v.tlsVersion {
	case tls.VersionTLS13:
		return "TLSv1.3"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS10:
		return "TLSv1"
	}
	return tls.VersionName(v.tlsVersion)
}

// openSSLCiphers are CloudFront's (OpenSSL's) names for the TLS 1.2 suites
// Go offers; TLS 1.3 suites keep their IANA names, as CloudFront logs them.
var openSSLCiphers = map[uint16]string{
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:         "ECDHE-RSA-AES128-GCM-SHA256",
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:         "ECDHE-RSA-AES256-GCM-SHA384",
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:       "ECDHE-ECDSA-AES128-GCM-SHA256",
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:       "ECDHE-ECDSA-AES256-GCM-SHA384",
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:   "ECDHE-RSA-CHACHA20-POLY1305",
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA:            "ECDHE-RSA-AES128-SHA",
	tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA:            "ECDHE-RSA-AES256-SHA",
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA:          "ECDHE-ECDSA-AES128-SHA",
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA:          "ECDHE-ECDSA-AES256-SHA",
	tls.TLS_RSA_WITH_AES_128_GCM_SHA256:               "AES128-GCM-SHA256",
	tls.TLS_RSA_WITH_AES_256_GCM_SHA384:               "AES256-GCM-SHA384",
	tls.TLS_RSA_WITH_AES_128_CBC_SHA:                  "AES128-SHA",
	tls.TLS_RSA_WITH_AES_256_CBC_SHA:                  "AES256-SHA",
}

func tlsCipherName(v *viewer) string {
	if !v.tls {
		return ""
	}
	if n, ok := openSSLCiphers[v.tlsCipher]; ok {
		return n
	}
	return tls.CipherSuiteName(v.tlsCipher)
}

// requestIDs makes x-edge-request-id values: 40 bytes (a random prefix per
// edge and a counter), base64url as CloudFront's 56-character ids are.
// Unique per edge run without a random read per request.
type requestIDs struct {
	prefix [32]byte
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	ids := &requestIDs{}
	_, _ = rand.Read(ids.prefix[:])
	return ids
}

func (ids *requestIDs) next() string {
	var b [40]byte
	copy(b[:], ids.prefix[:])
	binary.BigEndian.PutUint64(b[32:], ids.n.Add(1))
	return base64.URLEncoding.EncodeToString(b[:])
}
