package edge

import (
	"log/slog"
	"time"

	"github.com/valyala/fasthttp"
)

// FastServerConfig sets the fasthttp server's bounds.
type FastServerConfig struct {
	ReadTimeout    time.Duration // a request's head and body must arrive within it (slowloris)
	IdleTimeout    time.Duration // a keep-alive connection waits this long for the next request
	WriteTimeout   time.Duration // a response head (and a small body) must be written within it
	MaxHeaderBytes int           // the request head's hard bound (fasthttp's read buffer)
	MaxBodyBytes   int           // request bodies (pass-through uploads); default 4 MiB
	IdleWorkers    time.Duration // an idle worker goroutine exits after this (default 10s)
	Logger         *slog.Logger
	// The parser's hooks (limits.FastHeaderReceived, limits.FastErrorHandler).
	HeaderReceived func(*fasthttp.RequestHeader) fasthttp.RequestConfig
	ErrorHandler   func(*fasthttp.RequestCtx, error)
}

// NewFastServer is the fasthttp server for handler (ServeFastHTTP, maybe
// behind limits.FastHandler), set to answer as the net/http front end does:
// no Server header nor default Content-Type of its own.
func NewFastServer(handler fasthttp.RequestHandler, c FastServerConfig) *fasthttp.Server {
	s := &fasthttp.Server{
		Handler:               handler,
		NoDefaultServerHeader: true, NoDefaultContentType: true,
		ReadTimeout: c.ReadTimeout, IdleTimeout: c.IdleTimeout, WriteTimeout: c.WriteTimeout,
		ReadBufferSize: max(c.MaxHeaderBytes, 4096), MaxRequestBodySize: c.MaxBodyBytes,
		DisablePreParseMultipartForm: true, CloseOnShutdown: true,
		SecureErrorLogMessage: true, // request bytes stay out of logs; parse errors are the typed ones
		ReduceMemoryUsage:     true, // idle connections hold no buffers (the read buffer is the header bound)
		HeaderReceived:        c.HeaderReceived, ErrorHandler: c.ErrorHandler, MaxIdleWorkerDuration: c.IdleWorkers,
	}
	if c.Logger != nil {
		s.Logger = slog.NewLogLogger(c.Logger.Handler(), slog.LevelDebug)
	}
	return s
}
