package storage

import (
	"context"
	"time"
)

// DefaultChangeRetention is how long changes stay replayable. A client away
// longer than this gets a resync and refetches its feed, which is cheaper
// than keeping the log forever.
const DefaultChangeRetention = 30 * 24 * time.Hour

// PruneChanges deletes the changes recorded before olderThan, oldest first,
// with their index entries, and raises the horizon to the highest Seq it
// deleted so that cursors at or below it are known to be too old. It works
// in bounded transactions so that writers are never held up for long, and
// returns how many changes it deleted.
func (db *DB) PruneChanges(ctx context.Context, olderThan time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := db.update(ctx, func(tx kvTx) error {
			var err error
			n, err = pruneChanges(tx, olderThan)
			return err
		})
		total += n
		if err != nil || n < sweepBatch {
			return total, err
		}
	}
}

// pruneChanges deletes up to sweepBatch of the oldest changes recorded
// before olderThan. It stops at the first newer one, so the pruned part of
// the log is always a prefix and the horizon describes it exactly.
func pruneChanges(tx kvTx, olderThan time.Time) (int, error) {
	type doomed struct{ seq, rec []byte }
	var batch []doomed
	c := tx.Bucket(bChanges).Cursor()
	for k, v := c.First(); k != nil && len(batch) < sweepBatch; k, v = c.Next() {
		if len(v) < changeHeaderLen || !atOf(v).Before(olderThan) {
			break
		}
		batch = append(batch, doomed{clone(k), clone(v)})
	}
	for _, d := range batch {
		r, err := decodeChange(d.rec)
		if err != nil {
			return 0, err
		}
		for _, e := range changeIndexes(r.kind, r.supplier[:], r.subject[:], r.party[:]) {
			if err := tx.Bucket(e.bucket).Delete(join(e.owner, d.seq)); err != nil {
				return 0, err
			}
		}
		if err := tx.Bucket(bChanges).Delete(d.seq); err != nil {
			return 0, err
		}
	}
	if len(batch) == 0 {
		return 0, nil
	}
	return len(batch), tx.Bucket(bMeta).Put(keyHorizon, batch[len(batch)-1].seq)
}
