package storage

import (
	"context"
	"time"

	"github.com/weigong/weigong/catalog"
)

// idempotencyRecord is a catalog.IdempotencyRecord as stored.
type idempotencyRecord struct {
	Fingerprint string    `json:"fingerprint"`
	Result      []byte    `json:"result"`
	CreatedAt   time.Time `json:"created_at"`
}

// idempotencyKey scopes a client's key to its account: two accounts may
// pick the same key. The zero byte separates the parts unambiguously,
// since account IDs never contain one.
func idempotencyKey(accountID, key string) ([]byte, error) {
	if key == "" || len(key) > catalog.MaxIdempotencyKeyLen {
		return nil, catalog.Errorf(catalog.Invalid, "Idempotency-Key must be 1 to %d bytes", catalog.MaxIdempotencyKeyLen)
	}
	return join([]byte(accountID), []byte{0}, []byte(key)), nil
}

// getIdempotencyRecord returns the record of accountID's key, if any.
// Callers judge its age by CreatedAt: a record past its window may still
// be here until the next prune.
func getIdempotencyRecord(tx kvTx, accountID, key string) (catalog.IdempotencyRecord, bool, error) {
	k, err := idempotencyKey(accountID, key)
	if err != nil {
		return catalog.IdempotencyRecord{}, false, err
	}
	var r idempotencyRecord
	found, err := getJSON(tx.Bucket(bIdempotency), k, &r)
	if err != nil || !found {
		return catalog.IdempotencyRecord{}, false, err
	}
	return catalog.IdempotencyRecord(r), true, nil
}

// putIdempotencyRecord stores the record of accountID's key, replacing an
// older one (which the caller has judged expired) and its expiry entry.
func putIdempotencyRecord(tx kvTx, accountID, key string, rec catalog.IdempotencyRecord) error {
	k, err := idempotencyKey(accountID, key)
	if err != nil {
		return err
	}
	records, byTime := tx.Bucket(bIdempotency), tx.Bucket(bIdempotencyTime)
	var old idempotencyRecord
	if found, err := getJSON(records, k, &old); err != nil {
		return err
	} else if found {
		if err := byTime.Delete(expiryKey(old.CreatedAt, k)); err != nil {
			return err
		}
	}
	if err := putJSON(records, k, idempotencyRecord(rec)); err != nil {
		return err
	}
	return byTime.Put(expiryKey(rec.CreatedAt, k), nil)
}

// PruneIdempotency deletes the records created before cutoff and returns
// how many it deleted.
func (db *DB) PruneIdempotency(ctx context.Context, cutoff time.Time) (int, error) {
	return db.sweep(ctx, bIdempotency, bIdempotencyTime, cutoff)
}
