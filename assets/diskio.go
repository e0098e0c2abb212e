package assets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// writeAtomic writes data to path through a temporary file in the same
// directory: write, fsync, rename, fsync the directory. The rename makes
// the new file appear whole or not at all; the two fsyncs make both its
// bytes and its name durable before we report success.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file private; photos are public, and a web
	// server running as another user may serve them with sendfile.
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// makeDirs creates dir and any missing parents below the store's root, and
// fsyncs the parent of each directory it creates so that the new entry,
// not just the file inside it, survives a crash.
func (d *DiskStore) makeDirs(dir string) error {
	if dir == d.dir {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if err := d.makeDirs(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory, making the entries in it durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
