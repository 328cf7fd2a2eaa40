package testorigin

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed testdata/hls_ts testdata/fmp4
var fixtureFS embed.FS

const (
	segDur        = 2 * time.Second // every fixture segment's nominal duration
	cycleSegments = 6               // segments per fixture (12 s)
	cycleDur      = cycleSegments * segDur
	audioName     = "audio"
	audioCodec    = "mp4a.40.2" // AAC-LC, as encoded by testdata/gen.sh
)

// segment is one committed media segment.
type segment struct {
	data  []byte
	etag  string
	dur   float64 // EXTINF seconds
	start float64 // seconds from the start of the fixture
}

// rendition is one fixture rendition in one packaging.
type rendition struct {
	name          string
	segs          []segment
	init          []byte            // fMP4 only
	initETag      string            // fMP4 only
	timescales    map[uint32]uint32 // fMP4 only: track_ID → timescale
	ccAdvance     map[uint16]uint8  // TS only: PID → continuity counter advance per cycle
	codec         string            // video: avc1.xxxxxx; audio: mp4a.40.2
	width, height int
	peak, avg     int // bits per second over the segments
}

// fixtures holds every committed rendition; it is read-only once loaded.
type fixtures struct {
	ts    []*rendition // H.264+AAC in MPEG-TS, ascending bandwidth
	video []*rendition // video-only fMP4, same order and names as ts
	audio *rendition   // audio-only fMP4
}

// loadedFixtures parses the embedded files once per process; the result is
// never modified, so every Origin shares it.
var loadedFixtures = sync.OnceValues(func() (*fixtures, error) { return loadFixtures(fixtureFS) })

func loadFixtures(fsys fs.FS) (*fixtures, error) {
	f := &fixtures{}
	names, err := fs.Glob(fsys, "testdata/hls_ts/*/index.m3u8")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("testorigin: no fixtures: %v", err)
	}
	for _, n := range names {
		name := path.Base(path.Dir(n))
		ts, err := loadRendition(fsys, "testdata/hls_ts/"+name, name)
		if err != nil {
			return nil, err
		}
		v, err := loadRendition(fsys, "testdata/fmp4/"+name, name)
		if err != nil {
			return nil, err
		}
		ts.codec = v.codec + "," + audioCodec
		ts.width, ts.height = v.width, v.height
		f.ts, f.video = append(f.ts, ts), append(f.video, v)
	}
	if f.audio, err = loadRendition(fsys, "testdata/fmp4/"+audioName, audioName); err != nil {
		return nil, err
	}
	byPeak := func(a, b *rendition) int { return a.peak - b.peak }
	slices.SortFunc(f.ts, byPeak)
	slices.SortFunc(f.video, byPeak)
	return f, nil
}

// loadRendition reads dir/index.m3u8 (ffmpeg's VOD playlist) for segment
// names and durations, the segments, and for fMP4 the init segment.
func loadRendition(fsys fs.FS, dir, name string) (*rendition, error) {
	pl, err := fs.ReadFile(fsys, dir+"/index.m3u8")
	if err != nil {
		return nil, err
	}
	entries, err := parseVOD(pl)
	if err != nil || len(entries) != cycleSegments {
		return nil, fmt.Errorf("testorigin: %s: %d segments, want %d (%v)", dir, len(entries), cycleSegments, err)
	}
	r := &rendition{name: name}
	var start float64
	for _, e := range entries {
		data, err := fs.ReadFile(fsys, dir+"/"+e.uri)
		if err != nil {
			return nil, err
		}
		r.segs = append(r.segs, segment{data: data, etag: etagOf(data), dur: e.dur, start: start})
		start += e.dur
	}
	r.peak, r.avg = bitrates(r.segs)
	if path.Ext(entries[0].uri) == ".ts" {
		r.ccAdvance, err = tsCCAdvance(r.segs)
	} else {
		err = r.loadInit(fsys, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("testorigin: %s: %w", dir, err)
	}
	return r, nil
}

func (r *rendition) loadInit(fsys fs.FS, dir string) error {
	init, err := fs.ReadFile(fsys, dir+"/init.mp4")
	if err != nil {
		return err
	}
	r.init, r.initETag = init, etagOf(init)
	if r.timescales, err = trackTimescales(init); err != nil {
		return err
	}
	if r.name == audioName {
		r.codec = audioCodec
		return nil
	}
	if r.codec, err = avcCodec(init); err != nil {
		return err
	}
	r.width, r.height, err = trackSize(init)
	return err
}

type vodEntry struct {
	dur float64
	uri string
}

// parseVOD extracts (EXTINF, URI) pairs from a simple media playlist.
func parseVOD(pl []byte) ([]vodEntry, error) {
	var out []vodEntry
	var dur float64
	sc := bufio.NewScanner(bytes.NewReader(pl))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXTINF:"):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			d, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, err
			}
			dur = d
		case line != "" && !strings.HasPrefix(line, "#"):
			out = append(out, vodEntry{dur, line})
		}
	}
	return out, sc.Err()
}

// bitrates returns the peak and average bit rate of a segment list.
func bitrates(segs []segment) (peak, avg int) {
	var bytes, secs float64
	for _, s := range segs {
		peak = max(peak, int(float64(len(s.data))*8/s.dur))
		bytes += float64(len(s.data))
		secs += s.dur
	}
	return peak, int(bytes * 8 / secs)
}

// etagOf is a strong validator derived from the content.
func etagOf(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return fmt.Sprintf(`"%016x"`, h.Sum64())
}
