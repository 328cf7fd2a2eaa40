package segments

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/VictoriaMetrics/fastcache"
	"github.com/cespare/xxhash/v2"
)

// A snapshot directory holds fastcache's files under cache/ and store.bin:
//
//	"SEGSNAP" magic, u8 version, u64 capacity, u64 bytes-written counter,
//	u32 file count, per file (sorted by name): u16 name length, name,
//	u64 size, u64 xxhash; then u64 xxhash of everything before it.
//
// The per-file hashes are what make LoadFromDir safe: fastcache's loader
// trusts lengths read from its files (in goroutines, where a panic cannot be
// recovered), so only byte-for-byte what SaveToDir wrote is handed to it.
const (
	snapVersion  = 1
	snapMeta     = "store.bin"
	snapCache    = "cache"
	maxSnapMeta  = 1 << 20
	maxSnapFiles = 4096
)

var snapMagic = []byte("SEGSNAP")

// SaveToDir writes a snapshot of the store to dir, replacing what was there.
// It may run while the store serves. The snapshot is built in a temporary
// sibling directory and renamed into place, so dir holds either the old or
// the new complete snapshot (or, for an instant between two renames, none).
func (s *Store) SaveToDir(dir string) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("segments: save: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("segments: save: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op once renamed
	if err := s.c.SaveToFileConcurrent(filepath.Join(tmp, snapCache), runtime.GOMAXPROCS(0)); err != nil {
		return fmt.Errorf("segments: save cache: %w", err)
	}
	// Read after the cache was saved, so it is ≥ every saved written-at.
	meta, err := snapshotMeta(filepath.Join(tmp, snapCache), s.cfg.capacity, s.written.Load())
	if err != nil {
		return fmt.Errorf("segments: save: %w", err)
	}
	if err := writeFileSync(filepath.Join(tmp, snapMeta), meta); err != nil {
		return fmt.Errorf("segments: save: %w", err)
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("segments: save: move old snapshot: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("segments: save: %w", err)
	}
	return os.RemoveAll(old)
}

// LoadFromDir returns a store holding the snapshot in dir. A missing,
// corrupt or foreign snapshot, or one saved with a different capacity, is an
// error (the caller starts cold with New); it never panics.
func LoadFromDir(dir string, cfg Config) (st *Store, err error) {
	set := cfg.resolve()
	meta, err := readBounded(filepath.Join(dir, snapMeta), maxSnapMeta)
	if err != nil {
		return nil, fmt.Errorf("segments: load: %w", err)
	}
	capacity, written, files, err := parseSnapshotMeta(meta)
	if err != nil {
		return nil, fmt.Errorf("segments: load %s: %w", dir, err)
	}
	if capacity != uint64(set.capacity) {
		return nil, fmt.Errorf("%w: snapshot capacity %d, config %d", ErrSnapshotConfig, capacity, set.capacity)
	}
	cacheDir := filepath.Join(dir, snapCache)
	if err := verifyFiles(cacheDir, files); err != nil {
		return nil, fmt.Errorf("segments: load %s: %w", dir, err)
	}
	defer func() { // belt and braces: fastcache's own goroutine cannot panic on verified files
		if r := recover(); r != nil {
			st, err = nil, fmt.Errorf("%w: loading cache: %v", ErrCorrupt, r)
		}
	}()
	c, err := fastcache.LoadFromFileMaxBytes(cacheDir, int(set.capacity))
	if err != nil {
		return nil, fmt.Errorf("segments: load %s: %w", dir, err)
	}
	s := newStore(set, cfg.HotBytes)
	s.c = c
	s.written.Store(written)
	return s, nil
}

type fileSum struct {
	name       string
	size, hash uint64
}

func snapshotMeta(cacheDir string, capacity int64, written uint64) ([]byte, error) {
	ents, err := os.ReadDir(cacheDir)
	if err != nil {
		return nil, err
	}
	b := append([]byte(nil), snapMagic...)
	b = append(b, snapVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(capacity))
	b = binary.LittleEndian.AppendUint64(b, written)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(ents)))
	for _, e := range ents { // ReadDir sorts by name
		sum, err := hashFile(filepath.Join(cacheDir, e.Name()))
		if err != nil {
			return nil, err
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(len(e.Name())))
		b = append(b, e.Name()...)
		b = binary.LittleEndian.AppendUint64(b, sum.size)
		b = binary.LittleEndian.AppendUint64(b, sum.hash)
	}
	return binary.LittleEndian.AppendUint64(b, xxhash.Sum64(b)), nil
}

func parseSnapshotMeta(b []byte) (capacity, written uint64, files []fileSum, err error) {
	le := binary.LittleEndian
	hdr := len(snapMagic) + 1 + 8 + 8 + 4
	if len(b) < hdr+8 || !bytes.Equal(b[:len(snapMagic)], snapMagic) {
		return 0, 0, nil, fmt.Errorf("%w: %s: bad magic", ErrCorrupt, snapMeta)
	}
	body := b[:len(b)-8]
	if xxhash.Sum64(body) != le.Uint64(b[len(body):]) {
		return 0, 0, nil, fmt.Errorf("%w: %s: checksum mismatch", ErrCorrupt, snapMeta)
	}
	if v := b[len(snapMagic)]; v != snapVersion {
		return 0, 0, nil, fmt.Errorf("%w: snapshot version %d, want %d", ErrVersion, v, snapVersion)
	}
	p := b[len(snapMagic)+1:]
	capacity, written, n := le.Uint64(p), le.Uint64(p[8:]), le.Uint32(p[16:])
	p = body[hdr:]
	if n > maxSnapFiles {
		return 0, 0, nil, fmt.Errorf("%w: %d files", ErrCorrupt, n)
	}
	for range n {
		if len(p) < 2 || len(p) < 2+int(le.Uint16(p))+16 {
			return 0, 0, nil, fmt.Errorf("%w: %s truncated", ErrCorrupt, snapMeta)
		}
		nl := int(le.Uint16(p))
		f := fileSum{name: string(p[2 : 2+nl]), size: le.Uint64(p[2+nl:]), hash: le.Uint64(p[10+nl:])}
		files = append(files, f)
		p = p[18+nl:]
	}
	if len(p) != 0 {
		return 0, 0, nil, fmt.Errorf("%w: %s has trailing bytes", ErrCorrupt, snapMeta)
	}
	return capacity, written, files, nil
}

// verifyFiles checks that cacheDir holds exactly the listed files, with
// their sizes and hashes.
func verifyFiles(cacheDir string, want []fileSum) error {
	ents, err := os.ReadDir(cacheDir)
	if err != nil {
		return err
	}
	if len(ents) != len(want) {
		return fmt.Errorf("%w: %d files in cache dir, snapshot lists %d", ErrCorrupt, len(ents), len(want))
	}
	for _, w := range want {
		if w.name != filepath.Base(w.name) || !slices.ContainsFunc(ents, func(e os.DirEntry) bool { return e.Name() == w.name }) {
			return fmt.Errorf("%w: file %q missing", ErrCorrupt, w.name)
		}
		got, err := hashFile(filepath.Join(cacheDir, w.name))
		if err != nil {
			return err
		}
		if got.size != w.size || got.hash != w.hash {
			return fmt.Errorf("%w: file %q changed", ErrCorrupt, w.name)
		}
	}
	return nil
}

func hashFile(path string) (fileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	d := xxhash.New()
	n, err := io.Copy(d, f)
	if err != nil {
		return fileSum{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return fileSum{name: filepath.Base(path), size: uint64(n), hash: d.Sum64()}, nil
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s larger than %d bytes", ErrCorrupt, path, limit)
	}
	return b, nil
}

func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
