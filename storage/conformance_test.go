package storage_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/storage"
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

// POSTGRES FACTORY GOES HERE (issue 12): the PostgreSQL backend runs the
// same suite, on a fresh database per subtest from storage/pgtest:
//
//	func TestConformance_Postgres(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Stores {
//			return openPostgresStores(t, pgtest.NewDatabase(t))
//		})
//	}
//
// where openPostgresStores opens storage.OpenPostgres(ctx, url), sets the
// secret key, closes it in t.Cleanup and sets Reopen (a new pool on the
// same URL), as openBoltStores does. This package's test binary already
// has a TestMain (bench_fixture_test.go, package storage): it must start
// the cluster the way pgtest.Main does (pgtest.Main itself calls
// os.Exit, so fold the benchmark cleanup into it or run it in Main's
// place with pgtest.Start and pgtest.EnvURL).
