package assets_test

import (
	"path/filepath"
	"testing"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/assets/blobtest"
)

// TestDiskStore_Behaviour runs the behaviour every BlobStore shares
// against a DiskStore in a temporary directory.
func TestDiskStore_Behaviour(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) assets.BlobStore {
		d, err := assets.NewDiskStore(filepath.Join(t.TempDir(), "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
