package sim

import (
	"context"
	"net/url"
)

// getSegment fetches a media segment or init section, retrying failed
// attempts up to cfg.Retries times. Media segments feed the ABR estimate.
// It reports whether a valid body was received.
func (p *player) getSegment(ctx context.Context, u *url.URL, rng *ByteRange, media bool) bool {
	for attempt := 0; attempt <= p.cfg.Retries; attempt++ {
		if attempt > 0 && sleep(ctx, retryDelay(attempt-1)) != nil {
			return false
		}
		r, err := p.f.fetch(ctx, u, ReqSegment, rng, false)
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			continue
		}
		if p.cfg.Validate {
			if err := validateSegment(u.Path, r.head); err != nil {
				_ = p.f.parseFail(u, err)
				continue
			}
		}
		p.m.segment(r.ttfb, r.total)
		if media {
			p.abr.Sample(r.n, r.total)
		}
		return true
	}
	return false
}
