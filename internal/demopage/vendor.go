package demopage

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
)

// vendorFiles maps the names served under /demo/vendor/ to their place in
// the node_modules directory.
var vendorFiles = map[string]string{
	"hls.min.js":               "hls.js/dist/hls.min.js",
	"shaka-player.compiled.js": "shaka-player/dist/shaka-player.compiled.js",
}

// InstallHint is what the pages and the vendor URLs say when the player
// libraries are missing.
const InstallHint = "run `make demo` (it runs npm ci in player-test/browser) or `cd player-test/browser && npm ci`, then reload"

// missingVendor lists the vendor files not found in AssetsDir, sorted. It is
// checked on every page load so that installing them needs no restart.
func (cfg Config) missingVendor() []string {
	var out []string
	for name, rel := range vendorFiles {
		if fi, err := os.Stat(filepath.Join(cfg.AssetsDir, rel)); err != nil || !fi.Mode().IsRegular() {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (cfg Config) serveVendor(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	rel, ok := vendorFiles[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	path := filepath.Join(cfg.AssetsDir, rel)
	f, err := os.Open(path)
	if err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "streamedge demo: %s not found (%s): %s\n", name, errText(err), InstallHint)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.Error(w, "streamedge demo: "+path+" is not a file", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func errText(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
