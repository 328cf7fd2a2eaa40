package rewrite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/streamedge/streamedge/manifest"
)

func addSeeds(f *testing.F) {
	for _, dir := range []string{"testdata", filepath.Join("..", "manifest", "testdata")} {
		for _, pat := range []string{"*.m3u8", "*.mpd"} {
			files, _ := filepath.Glob(filepath.Join(dir, pat))
			for _, name := range files {
				b, err := os.ReadFile(name)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
	f.Add([]byte("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\n"))
	f.Add([]byte(`<MPD><BaseURL><![CDATA[x]]></BaseURL><SegmentTemplate media='a"b'/></MPD>`))
}

// FuzzRewrite checks, for both formats: rewriting never panics; the no-op
// mapper returns the input byte for byte; and with the edge-relative and
// the signing mapper the output parses (manifest.Parse) wherever the input
// did, to the same Info.
func FuzzRewrite(f *testing.F) {
	addSeeds(f)
	mappers := goldenMappers(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, format := range []manifest.Format{manifest.HLS, manifest.DASH} {
			same, err := Manifest(format, body, func(u string) (string, bool) { return u, false })
			if err != nil || !bytes.Equal(same, body) {
				t.Fatalf("%v: no-op rewrite changed the body (err %v)", format, err)
			}
			_, parseErr := manifest.Parse(format, body)
			for name, m := range mappers {
				out, err := Manifest(format, body, m)
				if err != nil {
					t.Fatalf("%v/%s: %v", format, name, err)
				}
				if parseErr == nil {
					checkParsesAlike(t, format, body, out)
				}
			}
		}
	})
}
