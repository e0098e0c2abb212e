package storage

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// postFixture is one supplier with n active followers, in its own file.
type postFixture struct {
	db       *DB
	supplier string
}

var (
	postFixMu sync.Mutex
	postFixes = map[int]*postFixture{}
)

// bInbox exists only in benchmark files: the per-distributor inboxes that
// fan-out on write would fill, to measure what that design would cost.
var bInbox = []byte("bench_inbox")

// loadPostFixture builds, once per follower count, a database with one
// supplier followed by n distributors, through the real saveFollow.
func loadPostFixture(b *testing.B, n int) *postFixture {
	postFixMu.Lock()
	defer postFixMu.Unlock()
	if f := postFixes[n]; f != nil {
		return f
	}
	f := &postFixture{db: openBenchDB(b, fmt.Sprintf("post-%d.db", n))}
	s := mustSupplier(b, f.db, "poster")
	f.supplier = s.ID
	for start := 0; start < n || start == 0; start += fixBatch {
		err := f.db.kv.update(context.Background(), func(tx kvTx) error {
			if _, err := tx.CreateBucketIfNotExists(bInbox); err != nil {
				return err
			}
			for range min(fixBatch, n-start) {
				if _, err := f.db.saveFollow(tx, activeFollow(s.ID, newID(), base)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	postFixes[n] = f
	return f
}

// BenchmarkSaveCard posts a card (one fsynced transaction) for suppliers
// with 0, 1,000 and 100,000 followers. Merge on read makes the cost
// independent of the followers: the curve must stay flat.
func BenchmarkSaveCard(b *testing.B) {
	for _, n := range []int{0, 1000, 100000} {
		b.Run(fmt.Sprintf("followers=%d", n), func(b *testing.B) {
			f := loadPostFixture(b, n)
			for b.Loop() {
				if _, err := f.db.SaveCard(ctx, benchCard(f.supplier, newID(), base), catalog.CardPublished); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFanOutWrite posts a card the way fan-out on write would: the
// same transaction as SaveCard plus one inbox entry per active follower.
// It exists to price the design this package does not use.
func BenchmarkFanOutWrite(b *testing.B) {
	for _, n := range []int{0, 1000, 100000} {
		b.Run(fmt.Sprintf("followers=%d", n), func(b *testing.B) {
			f := loadPostFixture(b, n)
			for b.Loop() {
				err := f.db.kv.update(context.Background(), func(tx kvTx) error {
					c := benchCard(f.supplier, newID(), base)
					if _, err := f.db.saveCard(tx, c, catalog.CardPublished); err != nil {
						return err
					}
					return fanOut(tx, f.supplier, c.ID)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fanOut writes the card into the inbox of every active follower.
func fanOut(tx kvTx, supplierID, cardID string) error {
	sup, card := idBytes(supplierID), idBytes(cardID)
	prefix := join(sup, []byte{stateCodes[catalog.StateActive]})
	inbox := tx.Bucket(bInbox)
	c := tx.Bucket(bFollowers).Cursor()
	for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if err := inbox.Put(join(k[len(prefix)+8:], card), nil); err != nil {
			return err
		}
	}
	return nil
}
