package assets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/weigong/weigong/catalog"
)

// BlobStore is where photo files live: a local directory (DiskStore) or
// S3-compatible storage (package assets/s3blobs). Keys are slash-separated
// paths such as "<imageID>/display.jpg" (CheckBlobKey says which). Every
// implementation behaves alike (assets/blobtest checks it): Put is atomic
// (a reader sees the old value or the new one, never part of one), a bad
// key is a *catalog.Error Invalid, and Open of a missing key is NotFound.
type BlobStore interface {
	Put(ctx context.Context, key string, data []byte) error
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error) // missing → *catalog.Error NotFound
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// DiskStore is a BlobStore in a local directory. Each Put is atomic and
// durable: readers see the old file or the new one, never a partial one,
// and once Put returns the file survives a crash. Make one with
// NewDiskStore.
type DiskStore struct {
	dir string
}

// NewDiskStore returns a DiskStore rooted at dir, creating it if needed.
func NewDiskStore(dir string) (*DiskStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob store %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &DiskStore{dir: abs}, nil
}

// Path returns the file that holds key, for serving it with sendfile.
func (d *DiskStore) Path(key string) (string, error) {
	if err := CheckBlobKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.dir, filepath.FromSlash(key)), nil
}

// Put stores data under key, replacing any previous value.
func (d *DiskStore) Put(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := d.Path(key)
	if err != nil {
		return err
	}
	if err := d.makeDirs(filepath.Dir(path)); err != nil {
		return fmt.Errorf("storing %s: %w", key, err)
	}
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("storing %s: %w", key, err)
	}
	return nil
}

// Open returns the value of key and its size in bytes.
func (d *DiskStore) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	path, err := d.Path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, catalog.Errorf(catalog.NotFound, "no such file")
	} else if err != nil {
		return nil, 0, fmt.Errorf("opening %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, catalog.Errorf(catalog.NotFound, "no such file")
	}
	return f, info.Size(), nil
}

// Delete removes the value of key. Deleting a missing key is not an error.
func (d *DiskStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := d.Path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	return nil
}

// CheckBlobKey accepts only keys made of non-empty segments of
// [A-Za-z0-9_.-] joined by "/", none starting with a dot, at most 512
// bytes; anything else is a *catalog.Error Invalid. That rules out "..",
// absolute paths and hidden names (the temporary files of Put), so no key
// can reach outside a DiskStore or collide with a file in flight; every
// BlobStore applies it, so a key valid in one store is valid in all.
func CheckBlobKey(key string) error {
	if key == "" || len(key) > 512 {
		return catalog.Errorf(catalog.Invalid, "bad blob key")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg[0] == '.' || strings.IndexFunc(seg, badKeyRune) >= 0 {
			return catalog.Errorf(catalog.Invalid, "bad blob key %q", key)
		}
	}
	return nil
}

// badKeyRune reports whether r may not appear in a key segment.
func badKeyRune(r rune) bool {
	ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-'
	return !ok
}
