package edge

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/cmcd"
	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/invalidation"
	"github.com/streamedge/streamedge/livewindow"
	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/prefetch"
	"github.com/streamedge/streamedge/rewrite"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// Config wires the stages together.
type Config struct {
	Store *segments.Store
	// Routes are the cache behaviors (route.go). Without them one default
	// route is built of Origin, Keys and Policy (the flag-configured edge).
	Routes             *Routes
	Origin             Origin
	Keys               *cachekey.Builder
	Policy             freshness.Config
	Prefetch           int           // the default route's live prefetch (Route.Prefetch)
	Compress           bool          // the default route compresses (Route.Compress)
	MaxObjectSize      int64         // larger bodies stream through uncached (default 64 MiB)
	PassTTL            time.Duration // how long an unshareable key stays pass-through (default 10s)
	MaxPassKeys        int           // bound on remembered pass-through keys (default 10000)
	ClientWriteTimeout time.Duration // a client write making no progress this long is cut (default 60s)
	MaxFills           int           // concurrent fills in all (default 1000); the origin has its own cap too
	MaxFillBytes       int64         // bytes fill body buffers may hold in all (default 256 MiB, at least MaxObjectSize)
	FillWait           time.Duration // how long a miss waits for a fill limit before 503 (default 1s)
	LLHLS              llhls.Config  // bounds of the LL-HLS hold registry (package llhls)
	NoLLHLS            bool          // treat LL-HLS delivery directives as ordinary query parameters
	// CDNID is this edge's cdn-id in CDN-Loop (loop.go): a request naming it
	// is refused (508). Its origins add it (origin.Config.CDNID).
	CDNID           string
	Registry        prometheus.Registerer
	AccessLog       io.Writer // one line per request (AccessLogFormat); nil for none
	AccessLogFormat string    // LogJSON (default) or LogCloudFront (accesslog_cloudfront.go)
	EdgeLocation    string    // the cloudfront format's x-edge-location ("" logs "-")
	CMCDSessions    int       // CMCD sessions tracked (default cmcd.DefaultMaxSessions), least recently seen evicted
	Logger          *slog.Logger
	Now             func() time.Time
	// Invalidations, when set, make every entry stored before a matching
	// invalidation a miss (lookup.go); nil: none.
	Invalidations *invalidation.Set
	// Rewrite is the default route's manifest rewriting (Route.Rewrite);
	// nil: off.
	Rewrite rewrite.Mapper
}

// Handler is the edge's http.Handler.
type Handler struct {
	cfg        Config
	store      *segments.Store
	routes     atomic.Pointer[Routes]
	group      *coalesce.Group[fillMeta]
	passes     *passList
	limits     *fillLimits
	markers    sync.Mutex        // serialises variant-marker updates (Origin bound)
	comp       *compressor       // compression at the edge (fill_compress.go)
	prefetched *prefetch.Tracker // objects prefetched and not used yet (prefetch.go)
	windows    *livewindow.Index // what the newest live manifests name (notyet.go)
	metrics    *metrics
	cmcd       *cmcd.Tracker // CMCD per session (cmcd.go)
	ids        *requestIDs   // x-edge-request-id, in the cloudfront log format
	log        *slog.Logger
	now        func() time.Time

	ll  *llhls.Registry // LL-HLS holds (llhls.go); nil when NoLLHLS
	llm *llMetrics
}

// New builds a Handler; it registers its metrics on cfg.Registry.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("edge: Store is required")
	}
	if cfg.Routes == nil {
		if cfg.Origin == nil || cfg.Keys == nil {
			return nil, errors.New("edge: Routes, or Origin and Keys, are required")
		}
		rs, err := Single(&Route{Name: "*", Origin: cfg.Origin, Keys: cfg.Keys, Policy: cfg.Policy, Prefetch: cfg.Prefetch,
			Compress: cfg.Compress, Rewrite: cfg.Rewrite})
		if err != nil {
			return nil, err
		}
		cfg.Routes = rs
	}
	if cfg.MaxObjectSize <= 0 {
		cfg.MaxObjectSize = DefaultMaxObjectSize
	}
	if cfg.PassTTL <= 0 {
		cfg.PassTTL = DefaultPassTTL
	}
	if cfg.MaxPassKeys <= 0 {
		cfg.MaxPassKeys = DefaultMaxPassKeys
	}
	if cfg.ClientWriteTimeout <= 0 {
		cfg.ClientWriteTimeout = DefaultClientWriteTimeout
	}
	if cfg.MaxFills <= 0 {
		cfg.MaxFills = defaultMaxFills
	}
	if cfg.MaxFillBytes <= 0 {
		cfg.MaxFillBytes = defaultMaxFillBytes
	}
	cfg.MaxFillBytes = max(cfg.MaxFillBytes, cfg.MaxObjectSize)
	if cfg.FillWait <= 0 {
		cfg.FillWait = defaultFillWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := CheckLogFormat(cfg.AccessLogFormat); err != nil {
		return nil, fmt.Errorf("edge: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Handler{
		cfg: cfg, store: cfg.Store,
		group: coalesce.NewGroup[fillMeta](func(key string, err error, stack []byte) {
			cfg.Logger.Error("fill panicked", "key", key, "err", err, "stack", string(stack))
		}),
		passes: newPassList(cfg.MaxPassKeys, cfg.PassTTL, cfg.Now),
		limits: newFillLimits(cfg.MaxFills, cfg.MaxFillBytes, cfg.FillWait),
		log:    cfg.Logger, now: cfg.Now,
	}
	h.windows = livewindow.New(livewindow.Config{}) // playlist-aware misses (notyet.go)
	comp, err := newCompressor()
	if err != nil {
		return nil, err
	}
	h.comp = comp
	m, err := newMetrics(cfg.Registry, h)
	if err != nil {
		return nil, err
	}
	h.metrics = m
	if !cfg.NoLLHLS {
		if cfg.LLHLS.Now == nil {
			cfg.LLHLS.Now = cfg.Now
		}
		h.ll = llhls.New(cfg.LLHLS)
	}
	if h.llm, err = newLLMetrics(cfg.Registry, h); err != nil {
		return nil, err
	}
	h.prefetched = prefetch.NewTracker(prefetchTrackMax, prefetchTrackTTL, func(n int64) { m.prefetch.wasted.Add(float64(n)) })
	cm, err := cmcd.NewMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	h.cmcd = cmcd.NewTracker(cfg.CMCDSessions, cm)
	if cfg.AccessLog != nil && cfg.AccessLogFormat == LogCloudFront {
		h.ids = newRequestIDs()
		if _, err := io.WriteString(cfg.AccessLog, CloudFrontHeader()); err != nil {
			return nil, fmt.Errorf("edge: access log: %w", err)
		}
	}
	h.SetRoutes(cfg.Routes)
	return h, nil
}

// SetRoutes swaps the cache behaviors atomically (a configuration reload):
// requests already selected keep their route, the next ones see the new
// table.
func (h *Handler) SetRoutes(rs *Routes) {
	rs.Each(func(rt *Route) {
		if rt.proxy == nil {
			rt.proxy = rt.Origin.PassThrough(h.log, func(*http.Request, error) { h.metrics.originErrors.Inc() })
			rt.proxy = withoutSigningCookies(rt, rt.proxy)
		}
	})
	h.routes.Store(rs)
}

// Routes is the table in use.
func (h *Handler) Routes() *Routes { return h.routes.Load() }

// serve runs one request through the stages; the front end calls it and
// then finish.
func (h *Handler) serve(x *exchange) {
	r := x.r
	h.readCMCD(x)
	if h.ids != nil { // the cloudfront log format: read what it needs while the request's buffers are valid
		ls := x.w.logState()
		ls.cf, ls.viewer, ls.clock = true, r.viewer(), h.now
		ls.viewer.upgrade = isUpgrade(r.Header())
	}
	loop, ok := h.checkLoop(x)
	if !ok || !h.selectRoute(x) {
		return
	}
	x.cdnLoop = loop
	method := r.Method()
	if x.preflight {
		h.preflight(x) // answered at the edge: never keyed nor sent to the origin
		return
	}
	if method != http.MethodGet && method != http.MethodHead || isUpgrade(r.Header()) {
		h.pass(x) // an Upgrade (WebSocket) is a tunnel, never content
		return
	}
	kr, err := x.route.Keys.Request(r.EscapedPath(), r.RawQuery(), r.Header())
	if err != nil {
		h.refuse(x, err)
		return
	}
	x.key, x.vary = kr.Key, varyOf(r.Header())
	if x.route.Compress && r.Header().Get("Range") != "" {
		x.vary.Class = variant.Identity // ranges are of the identity body, never of the edge's compression
	}
	if kr.Target != kr.Key || kr.Header != nil {
		x.up = &upstream{target: kr.Target, header: kr.Header}
	}
	if id := r.Header().Get(origin.PeerHeader); id != "" {
		x.fromPeer(id) // peer.go
	}
	if kr.Headers+kr.Cookies > 0 {
		x.keyItems = int16(kr.Headers + kr.Cookies) // at most MaxParams cookies and as many headers
		h.metrics.keyItems.add(kr.Headers, kr.Cookies)
	}
	if r.Header().Get("Authorization") != "" || h.passes.has(x.key) {
		h.pass(x) // never share a viewer's authorised response; don't queue behind a private key
		return
	}
	if h.serveLL(x) { // an LL-HLS blocking playlist request (llhls.go)
		return
	}
	h.serveCached(x)
}

// serveCached is the cacheable path: lookup, then hit, stale or fill.
func (h *Handler) serveCached(x *exchange) {
	hit, fillKey, ok := h.lookup(x.key, x.vary)
	if !ok {
		h.passVariant(x)
		return
	}
	if hit != nil && h.invalidated(x.key, &hit.Entry.Meta) {
		hit.Release() // an invalidated copy is gone: no hit, no stale, no revalidation
		hit, x.invalid = nil, true
	}
	if hit != nil {
		x.hold(hit) // released once the response is sent
	}
	now := x.start // one clock read serves the whole lookup decision
	switch {
	case hit != nil && isFresh(&hit.Entry.Meta, now):
		h.countPrefetchHit(fillKey, &hit.Entry)
		h.serveEntry(x, &hit.Entry, resultHit)
	case hit != nil && canServeWhileRevalidating(&hit.Entry.Meta, now):
		h.serveEntry(x, &hit.Entry, resultStale)
		h.group.Join(fillKey, h.filler(x, fillKey, hit), nil) // background refresh
	default:
		h.fetch(x, fillKey, hit)
	}
}

// refuse answers a request refused before any origin work: a target that
// cannot be keyed (400, 414) or one its cache behavior does not accept (403);
// with the status's custom error page when one is configured.
func (h *Handler) refuse(x *exchange, err error) {
	x.result = resultError
	c := failure.Classify(err)
	if h.customError(x, c.Status) {
		x.failure = c.Label
		return
	}
	h.plainError(x, c)
}

// plainError answers with a failure class: a short one-line body, counted by
// its label.
func (h *Handler) plainError(x *exchange, c failure.Class) {
	x.failure = c.Label
	h.metrics.errorResponses.WithLabelValues(c.Label).Inc()
	hd := x.w.Header()
	hd["X-Cache"] = xcacheValues[resultError]
	hd["Cache-Status"] = cacheStatus(x)
	failure.Write(x.w, c)
}
