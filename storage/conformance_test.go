package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/storage"
	"github.com/weigong/weigong/storage/pgtest"
	"github.com/weigong/weigong/storage/storetest"
)

// TestConformance_Bolt runs the store conformance suite against a fresh
// bbolt file per subtest.
func TestConformance_Bolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		return openBoltStores(t, filepath.Join(t.TempDir(), "weigong.db"))
	})
}

// openBoltStores opens the file at path as a ready store set (its secret
// key set) that the test's cleanup checks and closes; its Reopen closes
// it and opens the file again.
func openBoltStores(t *testing.T, path string) storetest.Stores {
	db, err := storage.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		err := db.Check()
		if errors.Is(err, bolt.ErrDatabaseNotOpen) {
			return // closed by Reopen
		}
		if err != nil {
			t.Errorf("Check: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := db.UseSecretKey(bytes.Repeat([]byte{7}, storage.SecretKeyLen)); err != nil {
		t.Fatalf("UseSecretKey: %v", err)
	}
	s := storetest.FromDB(db)
	s.Reopen = func() storetest.Stores {
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		return openBoltStores(t, path)
	}
	return s
}

// TestConformance_Postgres runs the same suite against PostgreSQL, on a
// fresh database per subtest (storage/pgtest).
func TestConformance_Postgres(t *testing.T) {
	if os.Getenv("WEIGONG_STORAGE_TEST_ENGINE") != "" {
		t.Skip("runs once, in the main test process")
	}
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		return openPostgresStores(t, pgtest.NewDatabase(t))
	})
}

// openPostgresStores opens the database at url as a ready store set that
// the test's cleanup closes; its Reopen closes the pool and opens a new
// one on the same database, as a restarted node would.
func openPostgresStores(t *testing.T, url string) storetest.Stores {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := storage.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			if err := db.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	})
	if err := db.UseSecretKey(bytes.Repeat([]byte{7}, storage.SecretKeyLen)); err != nil {
		t.Fatalf("UseSecretKey: %v", err)
	}
	s := storetest.FromDB(db)
	s.Reopen = func() storetest.Stores {
		closed = true
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		return openPostgresStores(t, url)
	}
	return s
}
