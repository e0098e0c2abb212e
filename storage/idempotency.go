package storage

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/catalog"
)

// IdempotentResult is the response the HTTP layer gave to a create request
// carrying an Idempotency-Key, kept so that a retry gets the same answer.
type IdempotentResult struct {
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

// idempotencyRecord is an IdempotentResult as stored.
type idempotencyRecord struct {
	Status      int       `json:"status"`
	ContentType string    `json:"content_type"`
	Body        []byte    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
}

// maxIdempotencyKeyLen bounds a client-chosen key.
const maxIdempotencyKeyLen = 255

// idempotencyKey scopes a client's key to its account: two accounts may
// pick the same key. The zero byte separates the parts unambiguously,
// since account IDs never contain one.
func idempotencyKey(accountID, key string) ([]byte, error) {
	if key == "" || len(key) > maxIdempotencyKeyLen {
		return nil, catalog.Errorf(catalog.Invalid, "Idempotency-Key must be 1 to %d bytes", maxIdempotencyKeyLen)
	}
	return join([]byte(accountID), []byte{0}, []byte(key)), nil
}

// IdempotentResult returns the stored result for accountID's key, if any.
// Callers judge its age by CreatedAt: a record past its window may still be
// here until the next prune.
func (db *DB) IdempotentResult(ctx context.Context, accountID, key string) (IdempotentResult, bool, error) {
	k, err := idempotencyKey(accountID, key)
	if err != nil {
		return IdempotentResult{}, false, err
	}
	var r idempotencyRecord
	var found bool
	err = db.view(ctx, func(tx *bolt.Tx) error {
		var getErr error
		found, getErr = getJSON(tx.Bucket(bIdempotency), k, &r)
		return getErr
	})
	if err != nil || !found {
		return IdempotentResult{}, false, err
	}
	return IdempotentResult(r), true, nil
}

// SaveIdempotentResult stores the result for accountID's key, replacing an
// older one (which the caller has judged expired).
func (db *DB) SaveIdempotentResult(ctx context.Context, accountID, key string, res IdempotentResult) error {
	k, err := idempotencyKey(accountID, key)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		records, byTime := tx.Bucket(bIdempotency), tx.Bucket(bIdempotencyTime)
		var old idempotencyRecord
		if found, err := getJSON(records, k, &old); err != nil {
			return err
		} else if found {
			if err := byTime.Delete(expiryKey(old.CreatedAt, k)); err != nil {
				return err
			}
		}
		if err := putJSON(records, k, idempotencyRecord(res)); err != nil {
			return err
		}
		return byTime.Put(expiryKey(res.CreatedAt, k), nil)
	})
}

// PruneIdempotency deletes the records created before cutoff and returns
// how many it deleted.
func (db *DB) PruneIdempotency(ctx context.Context, cutoff time.Time) (int, error) {
	return db.sweep(ctx, bIdempotency, bIdempotencyTime, cutoff)
}
