package segments

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func savedStore(t *testing.T) (dir string, written uint64) {
	t.Helper()
	s := newTestStore(t, Config{})
	if err := s.Put("seg/1.ts", sampleEntry()); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "snap")
	for range 2 { // the second save replaces the first
		if err := s.SaveToDir(dir); err != nil {
			t.Fatal(err)
		}
	}
	return dir, s.Stats().BytesWritten
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir, written := savedStore(t)
	s, err := LoadFromDir(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Reset)
	h := mustGet(t, s, "seg/1.ts")
	defer h.Release()
	assertEntryEqual(t, &h.Entry, sampleEntry())
	if got := s.Stats().BytesWritten; got != written {
		t.Errorf("BytesWritten = %d, want %d", got, written)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*"))
	if len(left) != 0 {
		t.Errorf("temporary dirs left: %v", left)
	}
}

func TestLoadFromDirRejects(t *testing.T) {
	flip := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0x40
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		cfg    Config
		want   error
	}{
		{"missing_dir", func(t *testing.T, dir string) { os.RemoveAll(dir) }, Config{}, fs.ErrNotExist},
		{"flipped_data_byte", func(t *testing.T, dir string) { flip(largestDataFile(t, dir))(t, dir) }, Config{}, ErrCorrupt},
		{"flipped_fastcache_metadata", flip("cache/metadata.bin"), Config{}, ErrCorrupt},
		{"flipped_store_meta", flip(snapMeta), Config{}, ErrCorrupt},
		{"truncated_store_meta", func(t *testing.T, dir string) { os.Truncate(filepath.Join(dir, snapMeta), 10) }, Config{}, ErrCorrupt},
		{"empty_store_meta", func(t *testing.T, dir string) { os.Truncate(filepath.Join(dir, snapMeta), 0) }, Config{}, ErrCorrupt},
		{"extra_data_file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "cache", "data.99.bin"), []byte("junk"), 0o644)
		}, Config{}, ErrCorrupt},
		{"missing_data_file", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "cache", "data.0.bin")) }, Config{}, ErrCorrupt},
		{"other_capacity", func(*testing.T, string) {}, Config{MaxBytes: 64 << 20}, ErrSnapshotConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := savedStore(t)
			tt.damage(t, dir)
			s, err := LoadFromDir(dir, tt.cfg)
			if !errors.Is(err, tt.want) || s != nil {
				t.Fatalf("LoadFromDir = %v, %v; want nil, %v", s, err, tt.want)
			}
		})
	}
}

// largestDataFile names the biggest of fastcache's data files: which one
// holds the entry depends on how buckets were spread over the save workers,
// so data.0.bin may be empty.
func largestDataFile(t *testing.T, dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "cache", "data.*.bin"))
	best, size := "", int64(0)
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Size() > size {
			best, size = f, fi.Size()
		}
	}
	if best == "" {
		t.Fatal("no non-empty data file in the snapshot")
	}
	rel, _ := filepath.Rel(dir, best)
	return rel
}
