package storage

import (
	"bytes"
	"context"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Changed returns a channel that is closed by the next commit that appends
// to the change log. A tailer takes it before reading the log, so that a
// change committed after the read is never slept through.
func (db *DB) Changed() <-chan struct{} {
	db.changedMu.Lock()
	defer db.changedMu.Unlock()
	return db.changed
}

// notify wakes every tailer waiting on Changed.
func (db *DB) notify() {
	db.changedMu.Lock()
	defer db.changedMu.Unlock()
	close(db.changed)
	db.changed = make(chan struct{})
}

// appendChange gives r the next Seq, stores it in the global log and in
// the index of the one source it concerns: the supplier's for card
// changes, the distributor's for follow changes. bbolt runs one writer at
// a time and rolls the bucket sequence back with a failed transaction, so
// Seqs become visible in order and without gaps: a reader that has seen
// Seq n has seen every Seq below it.
func appendChange(tx kvTx, r changeRecord) (uint64, error) {
	log := tx.Bucket(bChanges)
	seq, err := log.NextSequence()
	if err != nil {
		return 0, err
	}
	if err := log.Put(u64(seq), r.encode()); err != nil {
		return 0, err
	}
	for _, e := range changeIndexes(r.kind, r.supplier[:], r.subject[:], r.party[:]) {
		if err := tx.Bucket(e.bucket).Put(join(e.owner, u64(seq)), nil); err != nil {
			return 0, err
		}
	}
	if n, ok := tx.(changeAnnouncer); ok {
		n.changesAppended()
	}
	return seq, nil
}

// changeAnnouncer is a transaction that tells other processes of the
// changes it commits (PostgreSQL's NOTIFY; bbolt has one process and
// needs none).
type changeAnnouncer interface{ changesAppended() }

// indexEntry is where a change is indexed: a bucket and the owner whose
// key prefix it goes under.
type indexEntry struct{ bucket, owner []byte }

var noParty [idLen]byte

// changeIndexes names the per-source indexes a change belongs in: a card
// change under its supplier, a follow change under its distributor, and a
// change addressed to accounts (orders, after-sales, follow requests)
// under each account it is for, in the accounts' index.
func changeIndexes(kind catalog.ChangeKind, supplier, subject, party []byte) []indexEntry {
	switch {
	case kind == catalog.FollowChanged:
		return []indexEntry{{bDistributorChanges, subject}}
	case kind.AddressedToAccounts():
		entries := []indexEntry{{bDistributorChanges, supplier}}
		if !bytes.Equal(party, noParty[:]) {
			entries = append(entries, indexEntry{bDistributorChanges, party})
		}
		return entries
	}
	return []indexEntry{{bSupplierChanges, supplier}}
}

// Log describes the change log: its newest Seq, the pruning horizon and the
// random ID that tells cursors of this database from any other's.
func (db *DB) Log(ctx context.Context) (feed.LogInfo, error) {
	info := feed.LogInfo{ID: db.logID}
	err := db.view(ctx, func(tx kvTx) error {
		info.Last = tx.Bucket(bChanges).Sequence()
		info.Horizon = horizon(tx)
		return nil
	})
	return info, err
}

// horizon is the highest pruned Seq, 0 before any pruning.
func horizon(tx kvTx) uint64 {
	b := tx.Bucket(bMeta).Get(keyHorizon)
	if len(b) != 8 {
		return 0
	}
	return beUint64(b)
}
