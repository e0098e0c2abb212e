package storage

import ()

// readTimeline returns the keys of up to limit live cards of the given
// suppliers below bound, newest first: a budgeted walk back along the
// global timeline, then a merge of the suppliers' own indexes for whatever
// the walk did not reach (hybrid.go).
func (db *DB) readTimeline(tx kvTx, suppliers *supplierSet, bound []byte, limit int) [][]byte {
	keys, next, done := scanTimeline(tx, suppliers, bound, limit, db.feedBudget(suppliers.len()))
	if done {
		return keys
	}
	return append(keys, mergeSupplierCards(tx, suppliers, next, limit-len(keys))...)
}

// scanTimeline walks the live-card timeline back from just below bound
// until it holds limit cards of the suppliers, reaches the oldest card
// (done either way), or has walked budget entries; next is the last key
// it walked, the bound for a merge to carry on below.
func scanTimeline(tx kvTx, suppliers *supplierSet, bound []byte, limit int, budget uint64) (keys [][]byte, next []byte, done bool) {
	if budget == 0 || suppliers.len() == 0 {
		return nil, bound, suppliers.len() == 0
	}
	c := tx.Bucket(bLiveCards).Cursor()
	k, v := c.Seek(bound)
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for walked := uint64(1); k != nil; walked++ {
		if suppliers.has(v) {
			keys = append(keys, clone(k))
		}
		if len(keys) == limit {
			return keys, nil, true
		}
		if walked == budget {
			return keys, clone(k), false
		}
		k, v = c.Prev()
	}
	return keys, nil, true
}

// mergeSupplierCards merges the suppliers' live-card indexes below bound.
func mergeSupplierCards(tx kvTx, suppliers *supplierSet, bound []byte, limit int) [][]byte {
	index := tx.Bucket(bSupplierCards)
	keys := suppliers.sortedKeys()
	streams := make([]*stream, len(keys))
	for i := range keys {
		streams[i] = newStream(index, keys[i][:], true)
		streams[i].seekBelow(bound)
	}
	return merge(streams, limit)
}
