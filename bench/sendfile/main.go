// Command sendfile measures whether a zero-copy send of a hot 2 MiB body
// (the body in a memfd, sent with sendfile(2) through fasthttp's body
// stream) beats writing it from memory, the edge's hit path. It serves one
// 2 MiB object on -addr, from memory (-mode bytes) or from a memfd
// (-mode memfd); drive it with wrk and compare the two modes in one run
// (BENCHMARKS.md, "2 MiB hits").
package main

import (
	"flag"
	"log"
	"os"
	"strconv"

	"github.com/valyala/fasthttp"
	"golang.org/x/sys/unix"
)

func main() {
	mode := flag.String("mode", "bytes", "bytes (write from memory) or memfd (sendfile from a memfd)")
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	flag.Parse()
	body := make([]byte, 2<<20)
	for i := range body {
		body[i] = byte(i)
	}
	fd, err := unix.MemfdCreate("hot", unix.MFD_CLOEXEC)
	if err != nil {
		log.Fatal(err)
	}
	memfd := os.NewFile(uintptr(fd), "memfd")
	if _, err := memfd.Write(body); err != nil {
		log.Fatal(err)
	}
	h := func(c *fasthttp.RequestCtx) {
		c.Response.Header.SetContentType("video/mp4")
		if *mode == "bytes" {
			c.Response.SetBodyRaw(body)
			return
		}
		// Each response opens its own description of the memfd (its own
		// offset; the handler's use keeps memfd alive); fasthttp closes it
		// after sendfile.
		f, err := os.Open("/proc/self/fd/" + strconv.Itoa(int(memfd.Fd())))
		if err != nil {
			c.Error(err.Error(), fasthttp.StatusInternalServerError)
			return
		}
		c.Response.SetBodyStream(f, len(body))
	}
	log.Fatal(fasthttp.ListenAndServe(*addr, h))
}
