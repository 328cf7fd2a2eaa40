package invalidation

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"time"
)

// The encoding (version 1), all integers varints:
//
//	"seinv" 0x01                       magic and version
//	floor                               Unix ns
//	n, n × (key, exact, prefix)         records, keys in tree order
//	m, m × (id, callerRef, createTime, k, k × path)   history, oldest first
//	crc32 (IEEE, 4 bytes little-endian) of everything before it
//
// Strings are a length and bytes.
const (
	codecMagic   = "seinv"
	codecVersion = 1
	maxIDBytes   = 64
	maxRefBytes  = 1024 // CallerReference
)

// ErrCorrupt is wrapped by every decoding error.
var ErrCorrupt = errors.New("invalidation: corrupt encoding")

// MarshalBinary encodes the Set's records, floor and history.
func (s *Set) MarshalBinary() ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b := append([]byte(codecMagic), codecVersion)
	b = binary.AppendVarint(b, s.floor)
	b = binary.AppendUvarint(b, uint64(s.tree.Len()))
	s.tree.Walk(func(k string, v any) bool {
		r := v.(*record)
		b = appendString(b, k)
		b = binary.AppendVarint(b, r.exact)
		b = binary.AppendVarint(b, r.prefix)
		return false
	})
	b = binary.AppendUvarint(b, uint64(len(s.history.items)))
	for _, inv := range s.history.items {
		b = appendString(b, inv.ID)
		b = appendString(b, inv.CallerReference)
		b = binary.AppendVarint(b, inv.CreateTime.UnixNano())
		b = binary.AppendUvarint(b, uint64(len(inv.Paths)))
		for _, p := range inv.Paths {
			b = appendString(b, p)
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// Decode rebuilds a Set from MarshalBinary's bytes under the given limits
// (applied to what was read: records beyond them raise the floor as Add
// would; history beyond MaxHistory keeps the newest). Any damage is an error
// wrapping ErrCorrupt.
func Decode(b []byte, l Limits, m *Metrics) (*Set, error) {
	if len(b) < len(codecMagic)+1+4 || string(b[:len(codecMagic)]) != codecMagic {
		return nil, fmt.Errorf("%w: no header", ErrCorrupt)
	}
	if v := b[len(codecMagic)]; v != codecVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCorrupt, v, codecVersion)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	d := decoder{b: body[len(codecMagic)+1:]}
	s := NewSet(l, m)
	s.floor = d.varint()
	s.active.Store(s.floor != 0)
	newest := s.floor
	for n := d.count(); n > 0 && d.err == nil; n-- {
		newest = max(newest, d.record(s))
	}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		inv := d.invalidation()
		if inv == nil {
			break
		}
		if _, dup := s.history.byID[inv.ID]; dup || inv.ID == "" {
			d.fail("invalidation ID %q empty or repeated", inv.ID)
			break
		}
		s.history.push(inv)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	s.enforce(newest)
	s.metrics.setRecords(s.records, s.floor)
	return s, nil
}

// decoder reads varints and strings, recording the first error; every count
// is checked against the bytes left, so no length in the input allocates
// more than the input's size.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) count() uint64 {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("count %d beyond %d bytes left", n, len(d.b))
		return 0
	}
	return n
}

func (d *decoder) str(limit int) string {
	n := d.uvarint()
	if d.err != nil || n > uint64(limit) || n > uint64(len(d.b)) {
		d.fail("string of %d bytes", n)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) record(s *Set) int64 {
	key := d.str(MaxPathBytes)
	exact, prefix := d.varint(), d.varint()
	if d.err != nil {
		return 0
	}
	if !strings.HasPrefix(key, "/") || strings.Contains(key, "*") || exact < 0 || prefix < 0 || exact == 0 && prefix == 0 {
		d.fail("bad record %q", key)
		return 0
	}
	if _, dup := s.tree.Get(key); dup {
		d.fail("duplicate record %q", key)
		return 0
	}
	s.tree.Insert(key, &record{exact: exact, prefix: prefix})
	s.active.Store(true)
	s.bytes += len(key)
	for _, t := range []int64{exact, prefix} {
		if t != 0 {
			s.records++
		}
	}
	return max(exact, prefix)
}

func (d *decoder) invalidation() *Invalidation {
	inv := &Invalidation{ID: d.str(maxIDBytes), CallerReference: d.str(maxRefBytes)}
	inv.CreateTime = time.Unix(0, d.varint()).UTC()
	for n := d.count(); n > 0 && d.err == nil; n-- {
		p := d.str(MaxPathBytes)
		if d.err == nil && CheckPath(p) != nil {
			d.fail("bad path %q", p)
		}
		inv.Paths = append(inv.Paths, p)
	}
	if d.err != nil {
		return nil
	}
	return inv
}
