package assets

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
)

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
	r, size, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != size {
		t.Fatalf("Open reported %d bytes, read %d", size, len(data))
	}
	return data
}

// TestDiskStore_RoundTrip ensures what Put stores, Open returns, for the
// three kinds of key the server uses.
func TestDiskStore_RoundTrip(t *testing.T) {
	d := newStore(t)
	for _, key := range []string{"0192f1e2-7a7b-7c3d/display.jpg", "0192f1e2-7a7b-7c3d/grid.jpg", "collages/Ab_9-x.jpg"} {
		want := []byte("photo bytes of " + key)
		if err := d.Put(context.Background(), key, want); err != nil {
			t.Fatal(err)
		}
		if got := mustRead(t, d, key); !bytes.Equal(got, want) {
			t.Errorf("%s: got %q", key, got)
		}
	}
}

// TestDiskStore_Overwrite ensures a second Put replaces the file whole and
// leaves no temporary file behind.
func TestDiskStore_Overwrite(t *testing.T) {
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

// TestDiskStore_BadKeys ensures no key can name a file outside the store,
// a hidden file, or a directory.
func TestDiskStore_BadKeys(t *testing.T) {
	d := newStore(t)
	bad := []string{
		"", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "a/..", "..", ".", "a/./b", "a//b", "a/",
		".tmp-123", "a/.hidden", `a\b.jpg`, "a b.jpg", "a%2e%2e", "é.jpg", "a\x00b", strings.Repeat("a", 600),
	}
	for _, key := range bad {
		if err := d.Put(context.Background(), key, []byte("x")); catalog.ErrorCode(err) != catalog.Invalid {
			t.Errorf("Put(%q): got %v, want an invalid-key error", key, err)
		}
		if _, err := d.Path(key); err == nil {
			t.Errorf("Path(%q) accepted", key)
		}
	}
}

// TestDiskStore_Open_NonExistent ensures a missing key, or a key that names
// a directory, is NotFound (404), not an internal error.
func TestDiskStore_Open_NonExistent(t *testing.T) {
	d := newStore(t)
	if err := d.Put(context.Background(), "img/display.jpg", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"img/grid.jpg", "nope/display.jpg", "img"} {
		_, _, err := d.Open(context.Background(), key)
		wantCode(t, err, catalog.NotFound)
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
