package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// view runs fn in a read transaction unless ctx is already done. bbolt
// cannot interrupt a transaction, so the context is honoured at the start.
func (db *DB) view(ctx context.Context, fn func(tx kvTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.kv.view(ctx, fn)
}

// update runs fn in a write transaction that records no change.
func (db *DB) update(ctx context.Context, fn func(tx kvTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.kv.update(ctx, fn)
}

// getJSON decodes the value at key into v and reports whether it existed.
// Decoding copies everything out of the memory map, so v outlives tx.
func getJSON(b kvBucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("storage: decoding record %x: %w", key, err)
	}
	return true, nil
}

// putJSON encodes v and stores it at key.
func putJSON(b kvBucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// notFound is the error for a missing record, in words a caller may see.
func notFound(what string) error {
	return catalog.Errorf(catalog.NotFound, "no such %s", what)
}

// errBadCursor answers a paging cursor the store did not issue.
var errBadCursor = catalog.Errorf(catalog.Invalid, "the paging cursor is not valid")
