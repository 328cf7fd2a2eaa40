package variant

import (
	"slices"
	"strings"
	"time"

	"github.com/streamedge/streamedge/segments"
)

// Key is the store key of req's variant of the object at base, for a response
// varying on d; false when req cannot be keyed (an invalid Origin on an object
// that varies on Origin): such a request is passed through. The encoding-only
// form (base NUL "ae=" class) is the one earlier releases stored.
func Key(base string, d Dims, req Request) (string, bool) {
	k := base
	if d&AcceptEncoding != 0 {
		k += "\x00ae=" + req.Class
	}
	if d&Origin != 0 {
		if !req.OriginOK {
			return "", false
		}
		k += "\x00origin=" + req.Origin
	}
	return k, true
}

// Marker is what the plain key of a varying object holds: the dimensions and
// the Origin values admitted so far (at most MaxOrigins).
type Marker struct {
	Dims    Dims
	Origins []string // admitted Origin values ("" for absent); nil unless Dims has Origin
}

// A marker entry is status 0 with segments.FlagVaryAcceptEncoding (the flag's
// historical name: it marks every variant marker) and a body of one dims byte
// and the admitted Origin values, each ending in a newline. An empty body is the
// encoding-only marker earlier releases stored.
const markerFlag = segments.FlagVaryAcceptEncoding

// IsMarker reports whether m is a marker entry's metadata.
func IsMarker(m *segments.Meta) bool { return m.Status == 0 && m.Flags&markerFlag != 0 }

// ReadMarker decodes a marker entry; false when e is not one.
func ReadMarker(e *segments.Entry) (Marker, bool) {
	if !IsMarker(&e.Meta) {
		return Marker{}, false
	}
	if len(e.Body) == 0 {
		return Marker{Dims: AcceptEncoding}, true
	}
	m := Marker{Dims: Dims(e.Body[0])}
	if m.Dims&Origin != 0 {
		list := strings.Split(string(e.Body[1:]), "\n") // each value ends in "\n"
		m.Origins = list[:min(len(list)-1, MaxOrigins)]
	}
	return m, true
}

// Entry is the marker as a store entry.
func (m Marker) Entry(storedAt time.Time) *segments.Entry {
	body := []byte{byte(m.Dims)}
	if m.Dims&Origin != 0 {
		for _, o := range m.Origins {
			body = append(append(body, o...), '\n') // terminated: "" (absent) stays a value
		}
	}
	return &segments.Entry{Meta: segments.Meta{Flags: markerFlag, StoredAt: storedAt}, Body: body}
}

// Lookup is the variant key for req under this marker; false when req must be
// passed through (its Origin is invalid, or new while MaxOrigins are stored).
func (m Marker) Lookup(base string, req Request) (string, bool) {
	if m.Dims&Origin != 0 && !slices.Contains(m.Origins, req.Origin) && len(m.Origins) >= MaxOrigins {
		return "", false
	}
	return Key(base, m.Dims, req)
}

// Admit makes room for req's variant under a response varying on d, which
// replaces the marker's dimensions when they differ. It reports whether the
// variant may be stored and whether the marker changed (must be written).
func (m *Marker) Admit(d Dims, req Request) (ok, changed bool) {
	if m.Dims != d {
		*m, changed = Marker{Dims: d}, true
	}
	if d&Origin == 0 {
		return true, changed
	}
	if !req.OriginOK {
		return false, changed
	}
	if slices.Contains(m.Origins, req.Origin) {
		return true, changed
	}
	if len(m.Origins) >= MaxOrigins {
		return false, changed
	}
	m.Origins = append(slices.Clip(m.Origins), req.Origin)
	return true, true
}

// KeyedOn is the dimensions a variant key of base was built with (0 for base
// itself). A fill on a variant key keeps them: an origin that varies without
// saying so (gzip without Vary) answers the identity fill with no sign of it.
func KeyedOn(base, key string) Dims {
	var d Dims
	if len(key) <= len(base) || key[:len(base)] != base {
		return 0
	}
	suffix := key[len(base):]
	if strings.HasPrefix(suffix, "\x00ae=") {
		d |= AcceptEncoding
	}
	if strings.Contains(suffix, "\x00origin=") {
		d |= Origin
	}
	return d
}
