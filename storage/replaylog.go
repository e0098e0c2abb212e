package storage

import (
	"bytes"
	"fmt"
)

// readLog reads up to limit entries after after for src: a budgeted scan
// of the global log, then a merge of the per-source indexes for whatever
// the scan did not reach (hybrid.go).
func (db *DB) readLog(tx kvTx, src sources, after uint64, limit int) ([]logEntry, error) {
	budget := db.replayBudget(src.suppliers.len() + 1)
	entries, next, done, err := scanLog(tx, src, after, limit, budget)
	if err != nil || done {
		return entries, err
	}
	more, err := mergeLog(tx, src, next, limit-len(entries))
	return append(entries, more...), err
}

// scanLog walks the global log from after+1 until it holds limit entries
// that concern src, reaches the end of the log (done either way), or has
// walked budget entries; next is the last Seq it walked. It tests each
// record's raw bytes, so skipped entries cost no decoding or allocation.
func scanLog(tx kvTx, src sources, after uint64, limit int, budget uint64) (entries []logEntry, next uint64, done bool, err error) {
	if budget == 0 {
		return nil, after, false, nil
	}
	next = after
	c := tx.Bucket(bChanges).Cursor()
	walked := uint64(0)
	for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
		next, walked = beUint64(k), walked+1
		if len(v) >= changeHeaderLen && concerns(v, src) {
			rec, err := decodeChange(v)
			if err != nil {
				return nil, 0, false, err
			}
			entries = append(entries, logEntry{seq: next, rec: rec})
		}
		if len(entries) == limit {
			return entries, next, true, nil
		}
		if walked == budget {
			return entries, next, false, nil
		}
	}
	return entries, next, true, nil
}

// concerns reports whether a raw change record is for the account: one of
// its follow changes, a change addressed to it (as an order's supplier or
// distributor), or a card change of one of the suppliers it follows.
func concerns(v []byte, src sources) bool {
	switch {
	case isFollowCode(v[0]):
		return bytes.Equal(v[17:33], src.distributor[:])
	case isAccountCode(v[0]):
		return len(v) >= accountHeaderLen &&
			(bytes.Equal(v[1:17], src.distributor[:]) || bytes.Equal(v[41:57], src.distributor[:]))
	}
	return src.suppliers.has(v[1:17])
}

// mergeLog seeks each source's index to after+1 and merges them in Seq
// order, then reads up to limit records from the global log.
func mergeLog(tx kvTx, src sources, after uint64, limit int) ([]logEntry, error) {
	from := u64(after + 1)
	keys := src.suppliers.sortedKeys()
	streams := make([]*stream, 0, len(keys)+1)
	for i := range keys {
		s := newStream(tx.Bucket(bSupplierChanges), keys[i][:], false)
		s.seekFrom(from)
		streams = append(streams, s)
	}
	own := newStream(tx.Bucket(bDistributorChanges), src.distributor[:], false)
	own.seekFrom(from)
	streams = append(streams, own)

	log := tx.Bucket(bChanges)
	var out []logEntry
	for _, seq := range merge(streams, limit) {
		v := log.Get(seq)
		if v == nil {
			return nil, fmt.Errorf("storage: change %d is indexed but not in the log", beUint64(seq))
		}
		rec, err := decodeChange(v)
		if err != nil {
			return nil, err
		}
		out = append(out, logEntry{seq: beUint64(seq), rec: rec})
	}
	return out, nil
}
