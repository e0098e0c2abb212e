package assets

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The behaviour every BlobStore shares (round trip, overwrite, bad keys,
// not found, delete, atomicity) is tested in blobs_conformance_test.go;
// these tests are about what only a DiskStore has: files.

func newStore(t *testing.T) *DiskStore {
	t.Helper()
	d, err := NewDiskStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustRead(t *testing.T, d *DiskStore, key string) []byte {
	t.Helper()
	r, _, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDiskStore_Overwrite_NoTemporaryFile ensures a second Put leaves no
// temporary file behind and a file a web server can read.
func TestDiskStore_Overwrite_NoTemporaryFile(t *testing.T) {
	d := newStore(t)
	ctx := context.Background()
	if err := d.Put(ctx, "a/b.jpg", bytes.Repeat([]byte("old"), 1000)); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "a/b.jpg", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, d, "a/b.jpg"); string(got) != "new" {
		t.Errorf("got %d bytes, want the new value", len(got))
	}
	entries, err := os.ReadDir(filepath.Join(d.dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only b.jpg", len(entries))
	}
	info, err := os.Stat(filepath.Join(d.dir, "a", "b.jpg"))
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v (%v), want 0644", info.Mode(), err)
	}
}

// TestDiskStore_Path_BadKeys ensures Path names no file for a key the
// store refuses (blobtest.BadKeys has the full list, for every method).
func TestDiskStore_Path_BadKeys(t *testing.T) {
	d := newStore(t)
	for _, key := range []string{"", "/etc/passwd", "../x.jpg", "a/../../x.jpg", ".tmp-123", `a\b.jpg`} {
		if _, err := d.Path(key); err == nil {
			t.Errorf("Path(%q) accepted", key)
		}
	}
}

// TestDiskStore_Path ensures Path names the file Put wrote, inside the store.
func TestDiskStore_Path(t *testing.T) {
	d := newStore(t)
	if err := d.Put(context.Background(), "x/grid.jpg", []byte("grid")); err != nil {
		t.Fatal(err)
	}
	path, err := d.Path("x/grid.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "grid" {
		t.Errorf("reading %s: %q, %v", path, data, err)
	}
}
