package limits

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/failure"
)

// FastHandler applies Handler's request checks on the fasthttp front end,
// with the same answers, labels and metrics: CONNECT and TRACE (405), a body
// on GET or HEAD or Content-Length beside Transfer-Encoding (400, connection
// closed), request-target length (414), header bytes (431), the per-IP rate
// (429). fasthttp has read the whole head (bounded by its read buffer, see
// Config.ServerMaxHeaderBytes) and any body (bounded by its body limit)
// before the checks run.
func FastHandler(cfg Config, m *Metrics, next fasthttp.RequestHandler) fasthttp.RequestHandler {
	cfg = cfg.withDefaults()
	var rate *rateLimiter
	if cfg.RatePerIP > 0 {
		rate = newRateLimiter(cfg, m, time.Now)
	}
	return func(ctx *fasthttp.RequestCtx) {
		method := string(ctx.Method())
		switch {
		case method == http.MethodOptions && string(ctx.RequestURI()) == "*":
			ctx.SetStatusCode(http.StatusOK) // the server itself answers OPTIONS *, as net/http does
		case method == http.MethodConnect || method == http.MethodTrace:
			ctx.Response.Header.Set("Allow", "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE")
			fastRefuse(ctx, m, failure.ErrMethod)
		case rawFraming(ctx.Request.Header.RawHeaders()).bad(method):
			fastRefuse(ctx, m, failure.ErrFraming)
		case len(ctx.RequestURI()) > cfg.MaxURILength:
			fastRefuse(ctx, m, failure.ErrTargetTooLong)
		case fastHeaderBytes(&ctx.Request.Header) > cfg.MaxHeaderBytes:
			fastRefuse(ctx, m, failure.ErrHeadersTooLarge)
		default:
			if rate != nil {
				if key, ok := netAddrKey(ctx.RemoteAddr()); ok {
					if ok, wait := rate.allow(key); !ok {
						ctx.Response.Header.Set("Retry-After", strconv.Itoa(retryAfter(wait)))
						fastRefuse(ctx, m, failure.ErrRateLimited)
						return
					}
				}
			}
			if ctx.Request.Header.ContentLength() == -1 { // chunked: close after it (see Handler)
				ctx.SetConnectionClose()
			}
			next(ctx)
		}
	}
}

// fastRefuse answers as refuse does; a request that came with a body has
// its connection closed after the answer.
func fastRefuse(ctx *fasthttp.RequestCtx, m *Metrics, err error) {
	c := failure.Classify(err)
	m.reject(c.Label)
	rh := &ctx.Response.Header
	rh.Set("Cache-Status", "streamedge; detail="+c.Label)
	rh.Set("Content-Type", "text/plain; charset=utf-8")
	rh.Set("Cache-Control", "no-store")
	rh.Set("X-Content-Type-Options", "nosniff")
	if c.RetryAfter != "" && len(rh.Peek("Retry-After")) == 0 {
		rh.Set("Retry-After", c.RetryAfter)
	}
	if ctx.Request.Header.ContentLength() != 0 || len(ctx.Request.Body()) > 0 || errors.Is(err, failure.ErrFraming) {
		ctx.SetConnectionClose() // a framing refusal always: fasthttp may have framed the body otherwise
	}
	ctx.SetStatusCode(c.Status)
	ctx.SetBodyString(c.Body + "\n")
}

// fastHeaderBytes is headerBytes: names and values, Host included.
func fastHeaderBytes(rh *fasthttp.RequestHeader) int {
	n := 0
	for k, v := range rh.All() {
		n += len(k) + len(v)
	}
	return n
}
