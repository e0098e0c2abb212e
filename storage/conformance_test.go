package storage_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/weigong/weigong/storage"
	"github.com/weigong/weigong/storage/storetest"
)

// TestConformance_Bolt runs the store conformance suite against a fresh
// bbolt file per subtest.
func TestConformance_Bolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db, err := storage.Open(filepath.Join(t.TempDir(), "weigong.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			if err := db.Check(); err != nil {
				t.Errorf("Check: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		if err := db.UseSecretKey(bytes.Repeat([]byte{7}, storage.SecretKeyLen)); err != nil {
			t.Fatalf("UseSecretKey: %v", err)
		}
		return storetest.FromDB(db)
	})
}
