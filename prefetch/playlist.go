package prefetch

import (
	"bufio"
	"bytes"
)

// Playlist is what one pass over an HLS media playlist names: the URIs of
// its newest media segments and of its partial segments (EXT-X-PART) and
// preload hints (EXT-X-PRELOAD-HINT), as written (unresolved). Live
// prefetch reads Segments; the edge's live window (package livewindow) reads
// all three.
type Playlist struct {
	Segments []string // the newest segment URIs, oldest first (EXT-X-GAP ones left out)
	Parts    []string // the newest EXT-X-PART URIs, oldest first (GAP=YES ones left out)
	Hints    []string // EXT-X-PRELOAD-HINT URIs
	Master   bool     // an EXT-X-STREAM-INF was seen: a multivariant playlist
	Ended    bool     // an EXT-X-ENDLIST was seen
}

// maxLine bounds one playlist line; a longer one ends the scan.
const maxLine = 64 << 10

// ScanPlaylist lists at most n of each kind of URI; it stops at a
// multivariant tag or EXT-X-ENDLIST (nothing live to list).
func ScanPlaylist(body []byte, n int) Playlist {
	var p Playlist
	if n <= 0 {
		return p
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	gap := false
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		switch {
		case len(line) == 0:
		case bytes.HasPrefix(line, []byte("#EXT-X-STREAM-INF")):
			p.Master = true
			return p
		case bytes.HasPrefix(line, []byte("#EXT-X-ENDLIST")):
			p.Ended = true
			return p
		case bytes.Equal(line, []byte("#EXT-X-GAP")):
			gap = true
		case bytes.HasPrefix(line, []byte("#EXT-X-PART:")):
			if attr(line, "GAP") != "YES" {
				p.Parts = keepLast(p.Parts, attr(line, "URI"), n)
			}
		case bytes.HasPrefix(line, []byte("#EXT-X-PRELOAD-HINT:")):
			p.Hints = keepLast(p.Hints, attr(line, "URI"), n)
		case line[0] != '#':
			if !gap {
				p.Segments = keepLast(p.Segments, string(line), n)
			}
			gap = false
		}
	}
	return p
}

// keepLast appends u (unless empty), keeping the newest n.
func keepLast(list []string, u string, n int) []string {
	if u == "" {
		return list
	}
	if len(list) == n {
		list = append(list[:0], list[1:]...)
	}
	return append(list, u)
}

// attr is the value of the named attribute of a tag line
// (#TAG:NAME=value,NAME="quoted, value"), unquoted; "" when absent or
// malformed (RFC 8216 §4.2 attribute lists).
func attr(line []byte, name string) string {
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return ""
	}
	rest := line[colon+1:]
	for len(rest) > 0 {
		eq := bytes.IndexByte(rest, '=')
		if eq < 0 {
			return ""
		}
		key := string(bytes.TrimSpace(rest[:eq]))
		rest = rest[eq+1:]
		var val []byte
		if len(rest) > 0 && rest[0] == '"' {
			end := bytes.IndexByte(rest[1:], '"')
			if end < 0 {
				return ""
			}
			val, rest = rest[1:1+end], rest[2+end:]
		} else {
			end := bytes.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			val, rest = bytes.TrimSpace(rest[:end]), rest[end:]
		}
		if key == name {
			return string(val)
		}
		comma := bytes.IndexByte(rest, ',')
		if comma < 0 {
			return ""
		}
		rest = rest[comma+1:]
	}
	return ""
}
