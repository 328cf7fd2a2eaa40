package testorigin

import (
	"fmt"
	"strings"
	"time"
)

// mpdParams selects between the static (VOD) and dynamic (live) MPD.
type mpdParams struct {
	live    bool
	epoch   time.Time // availabilityStartTime (live)
	publish time.Time // publishTime (live)
	utcURL  string    // UTCTiming value (live)
}

// mpd renders a DASH MPD over the fMP4 fixtures: one video AdaptationSet
// with three Representations and one audio AdaptationSet, SegmentTemplate
// with $Number$ (startNumber 0) and a fixed 2 s duration. Representation
// ids are the rendition directory names, so $RepresentationID$/init.mp4 and
// $RepresentationID$/seg_<n>.m4s are relative to the MPD.
func (f *fixtures) mpd(p mpdParams) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011"`)
	if p.live {
		fmt.Fprintf(&b, ` type="dynamic" availabilityStartTime="%s" publishTime="%s"`+
			` minimumUpdatePeriod="PT2S" timeShiftBufferDepth="%s" suggestedPresentationDelay="PT6S"`,
			xsDateTime(p.epoch), xsDateTime(p.publish), isoDuration(liveWindow*segDur))
	} else {
		fmt.Fprintf(&b, ` type="static" mediaPresentationDuration="%s"`, isoDuration(cycleDur))
	}
	b.WriteString(` minBufferTime="PT2S" maxSegmentDuration="PT2S">` + "\n")
	b.WriteString(`  <Period id="0" start="PT0S">` + "\n")
	tmpl := f.segmentTemplate(p.live)
	f.videoSet(&b, tmpl)
	fmt.Fprintf(&b, `    <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" lang="en" segmentAlignment="true" startWithSAP="1">
      <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"/>
%s      <Representation id="%s" bandwidth="%d" codecs="%s" audioSamplingRate="%d"/>
    </AdaptationSet>
  </Period>
`, tmpl, audioName, f.audio.peak, f.audio.codec, f.audio.sampleRate())
	if p.live {
		fmt.Fprintf(&b, `  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="%s"/>`+"\n", p.utcURL)
	}
	b.WriteString("</MPD>\n")
	return []byte(b.String())
}

func (f *fixtures) videoSet(b *strings.Builder, tmpl string) {
	last := f.video[len(f.video)-1]
	fmt.Fprintf(b, `    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true"`+
		` startWithSAP="1" maxWidth="%d" maxHeight="%d" frameRate="30">`+"\n%s",
		last.width, last.height, tmpl)
	for _, v := range f.video {
		fmt.Fprintf(b, `      <Representation id="%s" bandwidth="%d" codecs="%s" width="%d" height="%d" sar="1:1"/>`+"\n",
			v.name, v.peak, v.codec, v.width, v.height)
	}
	b.WriteString("    </AdaptationSet>\n")
}

// segmentTemplate: VOD names match the committed files (seg_000.m4s); live
// names carry the absolute segment number (seg_1234.m4s), like HLS live.
func (f *fixtures) segmentTemplate(live bool) string {
	media := "$RepresentationID$/seg_$Number%03d$.m4s"
	if live {
		media = "$RepresentationID$/seg_$Number$.m4s"
	}
	return fmt.Sprintf(`      <SegmentTemplate timescale="1000" duration="%d" startNumber="0"`+
		` initialization="$RepresentationID$/init.mp4" media="%s"/>`+"\n", segDur.Milliseconds(), media)
}

// isoDuration formats whole or fractional seconds as an xs:duration.
func isoDuration(d time.Duration) string {
	return fmt.Sprintf("PT%gS", d.Seconds())
}

// sampleRate is the audio track's timescale (the AAC sampling rate).
func (r *rendition) sampleRate() uint32 {
	var rate uint32
	for _, ts := range r.timescales {
		rate = ts
	}
	return rate
}
