package storage

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

func saveRecord(t *testing.T, db *DB, account, key string, r catalog.IdempotencyRecord) error {
	t.Helper()
	return db.Update(ctx, func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(account, key, r) })
}

func loadRecord(t *testing.T, db *DB, account, key string) (catalog.IdempotencyRecord, bool, error) {
	t.Helper()
	var r catalog.IdempotencyRecord
	var found bool
	err := db.View(ctx, func(tx catalog.Tx) error {
		var err error
		r, found, err = tx.IdempotencyRecord(account, key)
		return err
	})
	return r, found, err
}

// Ensure that a record round-trips, is scoped to its account, and that a
// save replaces an older record for the same key.
func TestTx_IdempotencyRecord_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	a, b := newID(), newID()
	r := catalog.IdempotencyRecord{Fingerprint: "abc", Result: []byte(`{"id":"x"}`), CreatedAt: base}
	if err := saveRecord(t, db, a, "key-1", r); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := loadRecord(t, db, a, "key-1"); err != nil || !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("record = %+v, %v, %v; want %+v", got, ok, err, r)
	}
	if _, ok, err := loadRecord(t, db, b, "key-1"); err != nil || ok {
		t.Fatalf("another account's key was found: %v, %v", ok, err)
	}
	r2 := r
	r2.Result, r2.CreatedAt = []byte(`{"id":"y"}`), base.Add(time.Hour)
	if err := saveRecord(t, db, a, "key-1", r2); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := loadRecord(t, db, a, "key-1"); !reflect.DeepEqual(got, r2) {
		t.Fatalf("after replace = %+v; want %+v", got, r2)
	}
	// The replaced record's old index entry must not prune the new one.
	if n, err := db.PruneIdempotency(ctx, base.Add(time.Minute)); err != nil || n != 0 {
		t.Fatalf("PruneIdempotency = %d, %v; want 0", n, err)
	}
}

// Ensure that pruning deletes exactly the records created before cutoff.
func TestDB_PruneIdempotency(t *testing.T) {
	db := mustOpen(t)
	a := newID()
	for i, key := range []string{"old1", "old2", "new"} {
		r := catalog.IdempotencyRecord{Fingerprint: "f", CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if err := saveRecord(t, db, a, key, r); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.PruneIdempotency(ctx, base.Add(90*time.Minute)); err != nil || n != 2 {
		t.Fatalf("PruneIdempotency = %d, %v; want 2", n, err)
	}
	for key, want := range map[string]bool{"old1": false, "old2": false, "new": true} {
		if _, ok, err := loadRecord(t, db, a, key); err != nil || ok != want {
			t.Errorf("record %s found = %v, %v; want %v", key, ok, err, want)
		}
	}
}

// Ensure that empty and oversized keys are Invalid.
func TestTx_IdempotencyRecord_BadKey(t *testing.T) {
	db := mustOpen(t)
	for _, key := range []string{"", strings.Repeat("k", catalog.MaxIdempotencyKeyLen+1)} {
		_, _, err := loadRecord(t, db, newID(), key)
		wantCode(t, err, catalog.Invalid)
		wantCode(t, saveRecord(t, db, newID(), key, catalog.IdempotencyRecord{}), catalog.Invalid)
	}
}
