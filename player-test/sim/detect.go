package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// StreamKind is HLS or DASH.
type StreamKind int

// Stream kinds.
const (
	StreamUnknown StreamKind = iota
	StreamHLS
	StreamDASH
)

func (k StreamKind) String() string {
	return [...]string{"unknown", "hls", "dash"}[k]
}

// kindFromExt classifies by the URL path extension.
func kindFromExt(u *url.URL) StreamKind {
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".m3u8", ".m3u":
		return StreamHLS
	case ".mpd":
		return StreamDASH
	}
	return StreamUnknown
}

// kindFromContent classifies by Content-Type, then by the body's start.
func kindFromContent(contentType string, body []byte) StreamKind {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "mpegurl"):
		return StreamHLS
	case strings.Contains(ct, "dash+xml"):
		return StreamDASH
	}
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.HasPrefix(body, []byte("#EXTM3U")):
		return StreamHLS
	case bytes.Contains(body[:min(len(body), 4096)], []byte("<MPD")):
		return StreamDASH
	}
	return StreamUnknown
}

// DetectKind classifies the stream at u by extension, or else with one GET
// (not counted in player metrics) by Content-Type and body.
func DetectKind(ctx context.Context, c *http.Client, u *url.URL) (StreamKind, error) {
	if k := kindFromExt(u); k != StreamUnknown {
		return k, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return StreamUnknown, fmt.Errorf("detect stream kind: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return StreamUnknown, fmt.Errorf("detect stream kind: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return StreamUnknown, fmt.Errorf("detect stream kind: %w", err)
	}
	if k := kindFromContent(resp.Header.Get("Content-Type"), body); k != StreamUnknown {
		return k, nil
	}
	return StreamUnknown, fmt.Errorf("detect stream kind: %s (status %d) is neither HLS nor DASH", u, resp.StatusCode)
}
