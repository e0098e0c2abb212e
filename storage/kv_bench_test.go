package storage

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkKVAdapter measures what the kv interface costs on bbolt: the
// same cursor walk and Gets through bbolt directly and through the
// adapter, in one process, so both see the same machine.
func BenchmarkKVAdapter(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "kv.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	name := []byte("bench_kv")
	const keys = 10000
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		for i := range keys {
			if err := bk.Put(u64(uint64(i)), []byte("value")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("walk/bolt", func(b *testing.B) {
		for b.Loop() {
			db.bolt.View(func(tx *bolt.Tx) error {
				n := 0
				c := tx.Bucket(name).Cursor()
				for k, _ := c.First(); k != nil; k, _ = c.Next() {
					n++
				}
				return nil
			})
		}
	})
	b.Run("walk/kv", func(b *testing.B) {
		for b.Loop() {
			db.kv.view(ctx, func(tx kvTx) error {
				n := 0
				c := tx.Bucket(name).Cursor()
				for k, _ := c.First(); k != nil; k, _ = c.Next() {
					n++
				}
				return nil
			})
		}
	})
	b.Run("get/bolt", func(b *testing.B) {
		for b.Loop() {
			db.bolt.View(func(tx *bolt.Tx) error {
				bk := tx.Bucket(name)
				for i := 0; i < keys; i += 7 {
					bk.Get(u64(uint64(i)))
				}
				return nil
			})
		}
	})
	b.Run("get/kv", func(b *testing.B) {
		for b.Loop() {
			db.kv.view(ctx, func(tx kvTx) error {
				bk := tx.Bucket(name)
				for i := 0; i < keys; i += 7 {
					bk.Get(u64(uint64(i)))
				}
				return nil
			})
		}
	})
}
