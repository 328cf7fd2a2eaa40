package manifest

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct {
		name, contentType, path string
		want                    Format
	}{
		{"apple_mpegurl", "application/vnd.apple.mpegurl", "/x", HLS},
		{"audio_mpegurl", "audio/mpegurl", "/x", HLS},
		{"x_mpegurl_mixed_case", "application/x-mpegURL", "/x", HLS},
		{"audio_x_mpegurl", "audio/x-mpegurl", "/x", HLS},
		{"content_type_params_ignored", "Application/VND.Apple.MpegURL; charset=utf-8", "/x", HLS},
		{"dash_type", "application/dash+xml", "/x", DASH},
		{"dash_type_params_ignored", " application/DASH+xml ;charset=UTF-8", "/x", DASH},
		{"content_type_wins_over_path", "application/dash+xml", "/a.m3u8", DASH},
		{"path_m3u8_when_type_generic", "application/octet-stream", "/live/index.m3u8", HLS},
		{"path_m3u", "", "/radio.M3U", HLS},
		{"path_mpd", "text/plain", "/v/manifest.mpd", DASH},
		{"path_query_ignored", "", "/v/manifest.mpd?token=a.ts", DASH},
		{"query_extension_not_used", "", "/v/seg.ts?x=.m3u8", None},
		{"segment", "video/mp2t", "/seg1.ts", None},
		{"directory_named_like_playlist", "", "/a.m3u8/seg.ts", None},
		{"empty", "", "", None},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.contentType, tc.path); got != tc.want {
				t.Errorf("Detect(%q, %q) = %v, want %v", tc.contentType, tc.path, got, tc.want)
			}
		})
	}
}

func TestFormatString(t *testing.T) {
	for f, want := range map[Format]string{None: "none", HLS: "hls", DASH: "dash", Format(42): "none"} {
		if got := f.String(); got != want {
			t.Errorf("Format(%d).String() = %q, want %q", int(f), got, want)
		}
	}
}

func TestIsSegmentPath(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/a/seg1.ts", true},
		{"/a/chunk-00001.m4s", true},
		{"/a/init.mp4", true},
		{"/a/audio.M4A", true},
		{"/a/v.m4v", true},
		{"/a/a.aac", true},
		{"/a/sub.vtt", true},
		{"/a/sub.webvtt", true},
		{"/a/v.cmfv", true},
		{"/a/a.cmfa", true},
		{"/a/seg1.ts?token=x", true},
		{"/a/index.m3u8", false},
		{"/a/manifest.mpd", false},
		{"/a/key.bin", false},
		{"/a/ts", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if got := IsSegmentPath(tc.path); got != tc.want {
				t.Errorf("IsSegmentPath(%q) = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}
