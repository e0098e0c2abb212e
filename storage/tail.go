package storage

import (
	"context"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// LogChanges returns, oldest first, up to limit changes of the whole log
// with Seq > after: what a tailer (feed.Tailer) hands on. Card changes
// carry the card and what a frame needs of its supplier as they are now,
// like a replay, so a late delivery never shows a stale price.
func (db *DB) LogChanges(ctx context.Context, after uint64, limit int) ([]catalog.Change, error) {
	if limit <= 0 {
		return nil, nil
	}
	var changes []catalog.Change
	err := db.view(ctx, func(tx kvTx) error {
		var entries []logEntry
		c := tx.Bucket(bChanges).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(entries) < limit; k, v = c.Next() {
			r, err := decodeChange(v)
			if err != nil {
				return fmt.Errorf("storage: change %d: %w", beUint64(k), err)
			}
			entries = append(entries, logEntry{seq: beUint64(k), rec: r})
		}
		var err error
		changes, err = resolve(tx, entries)
		return err
	})
	return changes, err
}

// RelayCursor returns the durable position of the named tailer: the Seq
// of the last change it has handed on.
func (db *DB) RelayCursor(ctx context.Context, name string) (uint64, bool, error) {
	var seq uint64
	var found bool
	err := db.view(ctx, func(tx kvTx) error {
		v := tx.Bucket(bRelayCursors).Get([]byte(name))
		if len(v) == 8 {
			seq, found = beUint64(v), true
		}
		return nil
	})
	return seq, found, err
}

// SaveRelayCursor records the named tailer's position durably.
func (db *DB) SaveRelayCursor(ctx context.Context, name string, seq uint64) error {
	if name == "" || len(name) > 200 {
		return fmt.Errorf("storage: relay cursor name %q", name)
	}
	return db.update(ctx, func(tx kvTx) error {
		return tx.Bucket(bRelayCursors).Put([]byte(name), u64(seq))
	})
}
