package storage

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that a result round-trips, is scoped to its account, and that a
// save replaces an older result for the same key.
func TestDB_IdempotentResult_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	a, b := newID(), newID()
	r := IdempotentResult{Status: 201, ContentType: "application/json", Body: []byte(`{"id":"x"}`), CreatedAt: base}
	if err := db.SaveIdempotentResult(ctx, a, "key-1", r); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := db.IdempotentResult(ctx, a, "key-1"); err != nil || !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("IdempotentResult = %+v, %v, %v; want %+v", got, ok, err, r)
	}
	if _, ok, err := db.IdempotentResult(ctx, b, "key-1"); err != nil || ok {
		t.Fatalf("another account's key was found: %v, %v", ok, err)
	}
	r2 := r
	r2.Body, r2.CreatedAt = []byte(`{"id":"y"}`), base.Add(time.Hour)
	if err := db.SaveIdempotentResult(ctx, a, "key-1", r2); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.IdempotentResult(ctx, a, "key-1"); !reflect.DeepEqual(got, r2) {
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
		r := IdempotentResult{Status: 201, CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if err := db.SaveIdempotentResult(ctx, a, key, r); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.PruneIdempotency(ctx, base.Add(90*time.Minute)); err != nil || n != 2 {
		t.Fatalf("PruneIdempotency = %d, %v; want 2", n, err)
	}
	for key, want := range map[string]bool{"old1": false, "old2": false, "new": true} {
		if _, ok, err := db.IdempotentResult(ctx, a, key); err != nil || ok != want {
			t.Errorf("IdempotentResult(%s) found = %v, %v; want %v", key, ok, err, want)
		}
	}
}

// Ensure that empty and oversized keys are Invalid.
func TestDB_IdempotentResult_BadKey(t *testing.T) {
	db := mustOpen(t)
	for _, key := range []string{"", strings.Repeat("k", 256)} {
		_, _, err := db.IdempotentResult(ctx, newID(), key)
		wantCode(t, err, catalog.Invalid)
		wantCode(t, db.SaveIdempotentResult(ctx, newID(), key, IdempotentResult{}), catalog.Invalid)
	}
}
