package storage

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// writeChange runs fn in a write transaction that records one change and,
// once that transaction has committed, hands the change to the publisher.
//
// writeMu is held from before the transaction begins until the publisher
// returns. Seqs are assigned inside the transaction, and bbolt serialises
// transactions, but it runs OnCommit handlers after releasing its writer
// lock: only our own lock keeps a later change from being published first.
// A transaction that fails registers no handler and publishes nothing.
func (db *DB) writeChange(ctx context.Context, fn func(tx *bolt.Tx) (catalog.Change, error)) (catalog.Change, error) {
	if err := ctx.Err(); err != nil {
		return catalog.Change{}, err
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	var ch catalog.Change
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		if ch, err = fn(tx); err != nil {
			return err
		}
		if publish := db.publish; publish != nil {
			committed := ch
			tx.OnCommit(func() { publish(committed) })
		}
		return nil
	})
	if err != nil {
		return catalog.Change{}, err
	}
	return ch, nil
}

// appendChange gives r the next Seq, stores it in the global log and in
// the index of the one source it concerns: the supplier's for card
// changes, the distributor's for follow changes.
func appendChange(tx *bolt.Tx, r changeRecord) (uint64, error) {
	log := tx.Bucket(bChanges)
	seq, err := log.NextSequence()
	if err != nil {
		return 0, err
	}
	if err := log.Put(u64(seq), r.encode()); err != nil {
		return 0, err
	}
	index, owner := changeIndex(r.kind, r.supplier[:], r.subject[:])
	return seq, tx.Bucket(index).Put(join(owner, u64(seq)), nil)
}

// changeIndex names the per-source index a change belongs in and the
// owner that prefixes its key there.
func changeIndex(kind catalog.ChangeKind, supplier, subject []byte) ([]byte, []byte) {
	if kind == catalog.FollowChanged {
		return bDistributorChanges, subject
	}
	return bSupplierChanges, supplier
}

// Log describes the change log: its newest Seq, the pruning horizon and the
// random ID that tells cursors of this database from any other's.
func (db *DB) Log(ctx context.Context) (feed.LogInfo, error) {
	info := feed.LogInfo{ID: db.logID}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		info.Last = tx.Bucket(bChanges).Sequence()
		info.Horizon = horizon(tx)
		return nil
	})
	return info, err
}

// horizon is the highest pruned Seq, 0 before any pruning.
func horizon(tx *bolt.Tx) uint64 {
	b := tx.Bucket(bMeta).Get(keyHorizon)
	if len(b) != 8 {
		return 0
	}
	return beUint64(b)
}
