package storage

import (
	"bytes"
	"context"
	"time"
)

// An expiry index lets a sweep delete old records in time order, touching
// only the records it deletes instead of scanning a whole bucket while
// holding the single writer lock. Its keys are when(8) + the primary key.

// expiryKey is the index key of the record at key expiring (or created) at t.
func expiryKey(t time.Time, key []byte) []byte {
	return join(nanos(t), key)
}

// sweepBatch bounds the records one sweep transaction deletes, so that a
// large backlog never holds the writer lock for long.
const sweepBatch = 1000

// sweepBefore deletes up to sweepBatch records whose index time is before
// cutoff, from the primary bucket and the index, and returns how many.
func sweepBefore(tx kvTx, primary, index []byte, cutoff time.Time) (int, error) {
	limit := nanos(cutoff)
	var keys [][]byte
	c := tx.Bucket(index).Cursor()
	for k, _ := c.First(); k != nil && len(keys) < sweepBatch; k, _ = c.Next() {
		if bytes.Compare(k[:8], limit) >= 0 {
			break
		}
		keys = append(keys, clone(k))
	}
	// Deleting after the walk, not through the cursor, avoids bbolt's
	// cursor-skips-after-Delete pitfall.
	for _, k := range keys {
		if err := tx.Bucket(primary).Delete(k[8:]); err != nil {
			return 0, err
		}
		if err := tx.Bucket(index).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// sweep runs sweepBefore in successive transactions until nothing is left
// before cutoff or ctx is done, and returns the total deleted.
func (db *DB) sweep(ctx context.Context, primary, index []byte, cutoff time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := db.update(ctx, func(tx kvTx) error {
			var err error
			n, err = sweepBefore(tx, primary, index, cutoff)
			return err
		})
		total += n
		if err != nil || n < sweepBatch {
			return total, err
		}
	}
}
