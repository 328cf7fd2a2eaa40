package llhls

import "time"

// BlockingTTL is the cache lifetime of a response to a blocking playlist
// request (rfc8216bis Appendix B.1/C, the CDN guidance): 6 × target
// duration for a 2xx (it holds at least the part asked for, so it never
// goes stale in the way a bare live playlist does), 4 × for a 4xx. ok is
// false for other statuses or an unknown target duration.
func BlockingTTL(status int, td time.Duration) (ttl time.Duration, ok bool) {
	switch {
	case td <= 0:
		return 0, false
	case status >= 200 && status < 300:
		return 6 * td, true
	case status >= 400 && status < 500:
		return 4 * td, true
	}
	return 0, false
}
