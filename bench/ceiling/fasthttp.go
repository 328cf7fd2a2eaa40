package main

import (
	"time"

	"github.com/valyala/fasthttp"
)

// serveFastHTTP is the fasthttp ceiling.
func serveFastHTTP(objects map[string]object, listen string, tf tlsFiles) error {
	srv := &fasthttp.Server{Handler: fastHandler(objects), ReadTimeout: 10 * time.Second, Name: "ceiling"}
	return both(func() error { return srv.ListenAndServe(listen) },
		func() error { return srv.ListenAndServeTLS(tf.listen, tf.cert, tf.key) }, tf)
}

// fastHandler serves the same objects with the same two headers as
// netHTTPHandler (fasthttp adds Server and Date, as net/http adds Date).
func fastHandler(objects map[string]object) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		o, ok := objects[string(ctx.Path())]
		if !ok {
			ctx.Error("404 page not found", fasthttp.StatusNotFound)
			return
		}
		ctx.Response.Header.SetContentType(o.contentType)
		if ctx.IsHead() {
			ctx.Response.Header.SetContentLength(len(o.body))
			ctx.Response.SkipBody = true
			return
		}
		ctx.Response.SetBodyRaw(o.body) // no copy: the bytes stay shared
	}
}
