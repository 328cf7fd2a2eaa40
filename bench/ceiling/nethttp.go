package main

import (
	"net/http"
	"time"
)

// serveNetHTTP is the net/http ceiling.
func serveNetHTTP(objects map[string]object, listen string, tf tlsFiles) error {
	h := netHTTPHandler(objects)
	srv := &http.Server{Addr: listen, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	tlsSrv := &http.Server{Addr: tf.listen, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return both(srv.ListenAndServe, func() error { return tlsSrv.ListenAndServeTLS(tf.cert, tf.key) }, tf)
}

// netHTTPHandler writes the object's two headers and its bytes.
func netHTTPHandler(objects map[string]object) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := objects[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		hd := w.Header()
		hd["Content-Type"] = []string{o.contentType}
		hd["Content-Length"] = []string{o.length}
		if r.Method != http.MethodHead {
			_, _ = w.Write(o.body)
		}
	})
}
