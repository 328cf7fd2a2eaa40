package testorigin

import (
	"fmt"
	"strings"
	"time"
)

// masterPlaylist lists the three video renditions. With fmp4 the audio is a
// separate rendition (EXT-X-MEDIA audio group "aac"); with TS it is muxed.
func (f *fixtures) masterPlaylist(fmp4 bool) []byte {
	var b strings.Builder
	b.WriteString("#EXTM3U\n")
	fmt.Fprintf(&b, "#EXT-X-VERSION:%d\n#EXT-X-INDEPENDENT-SEGMENTS\n", hlsVersion(fmp4))
	vars, group := f.ts, ""
	if fmp4 {
		vars, group = f.video, `,AUDIO="aac"`
		fmt.Fprintf(&b, "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",NAME=\"English\",LANGUAGE=\"en\","+
			"DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\",URI=\"%s/index.m3u8\"\n", audioName)
	}
	for _, v := range vars {
		peak, avg, codecs := v.peak, v.avg, v.codec
		if fmp4 {
			peak, avg, codecs = peak+f.audio.peak, avg+f.audio.avg, codecs+","+audioCodec
		}
		fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,CODECS=\"%s\","+
			"RESOLUTION=%dx%d,FRAME-RATE=30.000%s\n%s/index.m3u8\n",
			peak, avg, codecs, v.width, v.height, group, v.name)
	}
	return []byte(b.String())
}

func hlsVersion(fmp4 bool) int {
	if fmp4 {
		return 7
	}
	return 3
}

// playlistSeg is one entry of a media playlist.
type playlistSeg struct {
	msn   int64
	dur   float64
	uri   string
	start time.Time // EXT-X-PROGRAM-DATE-TIME; zero = omit
}

// mediaPlaylist is a VOD or live media playlist before rendering.
type mediaPlaylist struct {
	fmp4 bool
	live bool
	segs []playlistSeg
}

func (p mediaPlaylist) render() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n",
		hlsVersion(p.fmp4), int(segDur/time.Second))
	first := int64(0)
	if len(p.segs) > 0 {
		first = p.segs[0].msn
	}
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", first)
	if !p.live {
		b.WriteString("#EXT-X-PLAYLIST-TYPE:VOD\n")
	}
	b.WriteString("#EXT-X-INDEPENDENT-SEGMENTS\n")
	if p.fmp4 {
		b.WriteString("#EXT-X-MAP:URI=\"init.mp4\"\n")
	}
	for _, s := range p.segs {
		if !s.start.IsZero() {
			fmt.Fprintf(&b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", xsDateTime(s.start))
		}
		fmt.Fprintf(&b, "#EXTINF:%.6f,\n%s\n", s.dur, s.uri)
	}
	if !p.live {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return []byte(b.String())
}

// vodPlaylist lists the fixture's six segments.
func vodPlaylist(r *rendition, fmp4 bool) []byte {
	p := mediaPlaylist{fmp4: fmp4}
	for i, s := range r.segs {
		p.segs = append(p.segs, playlistSeg{msn: int64(i), dur: s.dur, uri: segName(int64(i), "%03d", fmp4)})
	}
	return p.render()
}

// livePlaylist lists the current window. Segment URIs carry the absolute
// MSN. Segments are restamped as the fixture wraps, so the stream has no
// discontinuities.
func livePlaylist(c liveClock, r *rendition, fmp4 bool) []byte {
	first, last := c.window()
	p := mediaPlaylist{fmp4: fmp4, live: true}
	for msn := first; msn <= last; msn++ {
		p.segs = append(p.segs, playlistSeg{
			msn:   msn,
			dur:   r.segs[msn%cycleSegments].dur,
			uri:   segName(msn, "%d", fmp4),
			start: c.mediaStart(r, msn),
		})
	}
	return p.render()
}

// segName is seg_<n>.ts or seg_<n>.m4s with n formatted by numFmt.
func segName(n int64, numFmt string, fmp4 bool) string {
	ext := ".ts"
	if fmp4 {
		ext = ".m4s"
	}
	return "seg_" + fmt.Sprintf(numFmt, n) + ext
}

// xsDateTime formats t as UTC xs:dateTime with millisecond precision.
func xsDateTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
